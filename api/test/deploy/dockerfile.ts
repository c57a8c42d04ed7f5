import { existsSync } from "node:fs";
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { spawnCollecting } from "./spawn-collecting.js";

// Docker cannot build or run here, so the deploy tests carry out a Dockerfile's steps themselves: each
// stage is a folder standing for its "/", COPY copies (honouring .dockerignore), RUN runs with sh in the
// stage's WORKDIR, ENV/USER/CMD/HEALTHCHECK are recorded. Base images are not fetched: RUN steps use
// this machine's Node 20 and npm, which match the images' (node:20). Steps in absolute paths outside a
// stage (e.g. `RUN mkdir /data`) cannot be carried out this way, so the Dockerfiles avoid them.

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

export interface Stage {
  name: string;
  /** The folder standing for this stage's "/". */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string;
  /** Exec-form CMD and HEALTHCHECK CMD of the stage (the final stage's describe the container). */
  cmd: string[] | null;
  healthcheck: string[] | null;
}

export interface BuildOptions {
  /** Relative to the repository root, which is the build context. */
  dockerfile: string;
  /** Where the stage folders go. */
  outDir: string;
  buildArgs?: Record<string, string>;
  /**
   * Instead of running `npm ci`, link this checkout's installed node_modules into the stage: for an
   * image whose install from the lock another test already proves, it saves a minute and a half.
   */
  reuseInstalledDependencies?: boolean;
  /** Output of the RUN steps (default: ignored). */
  log?: (chunk: string) => void;
}

interface Instruction {
  keyword: string;
  rest: string;
}

/** Carries out every stage of a Dockerfile; returns the stages, the last one being the image. */
export async function buildDockerfile(options: BuildOptions): Promise<Stage[]> {
  const instructions = parseDockerfile(await readFile(path.join(REPO_ROOT, options.dockerfile), "utf8"));
  const ignored = await readDockerignore();
  const args: Record<string, string> = { ...options.buildArgs };
  const stages: Stage[] = [];
  let stage: Stage | null = null;
  for (const { keyword, rest } of instructions) {
    const value = substitute(rest, { ...args, ...stage?.env });
    if (keyword === "FROM") {
      const name = /\bAS\s+(\S+)$/i.exec(value)?.[1] ?? `stage${stages.length}`;
      stage = {
        name,
        root: path.join(options.outDir, name),
        workdir: "/",
        env: {},
        user: "root",
        cmd: null,
        healthcheck: null,
      };
      await mkdir(stage.root, { recursive: true });
      stages.push(stage);
      continue;
    }
    if (keyword === "ARG") {
      const [key, fallback] = value.split("=", 2) as [string, string | undefined];
      args[key] ??= fallback ?? "";
      continue;
    }
    if (!stage) throw new Error(`${keyword} before FROM in ${options.dockerfile}`);
    switch (keyword) {
      case "WORKDIR":
        stage.workdir = path.posix.resolve(stage.workdir, value);
        await mkdir(path.join(stage.root, stage.workdir), { recursive: true });
        break;
      case "ENV":
        for (const [, key, raw] of value.matchAll(/(\w+)=("[^"]*"|\S*)/g))
          stage.env[key!] = raw!.replace(/^"|"$/g, "");
        break;
      case "USER":
        stage.user = value;
        break;
      case "CMD":
        stage.cmd = JSON.parse(value);
        break;
      case "HEALTHCHECK":
        stage.healthcheck = JSON.parse(value.slice(value.indexOf("CMD") + 3));
        break;
      case "COPY":
        await copyStep(stage, value, stages, ignored);
        break;
      case "RUN":
        if (options.reuseInstalledDependencies && /^npm ci\b/.test(value)) await linkDependencies(stage);
        else await runStep(stage, value, args, options.log);
        break;
      case "EXPOSE":
      case "LABEL":
      case "STOPSIGNAL":
        break;
      default:
        throw new Error(`Unsupported Dockerfile instruction ${keyword}`);
    }
  }
  return stages;
}

/** Builds into a new temporary folder: the image (the last stage), and how to remove it all. */
export async function buildImage(options: Omit<BuildOptions, "outDir">) {
  const outDir = await mkdtemp(path.join(os.tmpdir(), "xqt5-image-"));
  // Readable for servers that drop root (nginx's workers run as nobody).
  await chmod(outDir, 0o755);
  const stages = await buildDockerfile({ ...options, outDir });
  return { image: stages.at(-1)!, remove: () => rm(outDir, { recursive: true, force: true }) };
}

/** A path inside a stage, as a path on this machine. */
export function inStage(stage: Stage, containerPath: string): string {
  return path.join(stage.root, path.posix.resolve(stage.workdir, containerPath));
}

function parseDockerfile(text: string): Instruction[] {
  const logical = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ");
  return logical
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const keyword = line.split(/\s+/, 1)[0]!;
      return { keyword: keyword.toUpperCase(), rest: line.slice(keyword.length).trim() };
    });
}

function substitute(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) => variables[name] ?? whole);
}

async function copyStep(stage: Stage, value: string, stages: Stage[], ignored: RegExp[]) {
  const words = value.split(/\s+/);
  const from = words.find((word) => word.startsWith("--from="))?.slice("--from=".length);
  const [destination, ...sources] = words.filter((word) => !word.startsWith("--")).reverse() as [
    string,
    ...string[],
  ];
  sources.reverse();
  const source = from ? stages.find((candidate) => candidate.name === from) : null;
  if (from && !source) throw new Error(`COPY --from=${from}: no such stage`);
  const target = inStage(stage, destination);
  const intoFolder = destination.endsWith("/") || sources.length > 1;
  for (const item of sources) {
    const origin = source ? inStage(source, item) : path.join(REPO_ROOT, item);
    const isFolder = (await stat(origin)).isDirectory();
    // Like Docker: a folder's contents go into the target; a file goes into it when it is a folder.
    const to = isFolder || !intoFolder ? target : path.join(target, path.basename(item));
    await cp(origin, to, {
      recursive: true,
      verbatimSymlinks: true,
      filter: source ? undefined : (file) => !isIgnored(path.relative(REPO_ROOT, file), ignored),
    });
  }
}

async function runStep(
  stage: Stage,
  command: string,
  args: Record<string, string>,
  log?: (chunk: string) => void,
) {
  const step = spawnCollecting("sh", ["-c", command], {
    cwd: path.join(stage.root, stage.workdir),
    // Only what a container would have, plus HOME for npm's cache and configuration.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...args, ...stage.env },
    onOutput: log,
  });
  const code = await step.exited;
  if (code !== 0)
    throw new Error(
      `RUN ${command} (stage ${stage.name}) failed with ${code}:\n${step.output().slice(-4000)}`,
    );
}

async function linkDependencies(stage: Stage) {
  for (const folder of ["node_modules", "api/node_modules", "pwa/node_modules"]) {
    const installed = path.join(REPO_ROOT, folder);
    if (existsSync(installed)) await symlink(installed, inStage(stage, folder));
  }
}

async function readDockerignore(): Promise<RegExp[]> {
  const text = await readFile(path.join(REPO_ROOT, ".dockerignore"), "utf8");
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((pattern) => {
      if (pattern.startsWith("!")) throw new Error("exceptions in .dockerignore are not supported here");
      const source = pattern
        .replace(/^\/+/, "")
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) => {
          if (part === "**/") return "(?:.*/)?";
          if (part === "**") return ".*";
          if (part === "*") return "[^/]*";
          if (part === "?") return "[^/]";
          return part.replace(/[.+^${}()|[\]\\]/g, "\\$&");
        })
        .join("");
      return new RegExp(`^${source}$`);
    });
}

function isIgnored(relative: string, ignored: RegExp[]): boolean {
  return relative !== "" && ignored.some((pattern) => pattern.test(relative.split(path.sep).join("/")));
}
