import { createMemo, createSignal, type JSX, Show } from "solid-js";
import { Dynamic } from "solid-js/web";
import { describeError } from "../graphql/errors";
import { t } from "../i18n/i18n";
import { DownloadButton } from "../ui/DownloadButton";
import { formatCost, formatCount, formatDay, formatMilliseconds } from "../ui/format";
import { daysOf, type PeriodRange } from "./period";
import { UsageCard } from "./UsageCard";
import { UsageChart } from "./UsageChart";
import { ChartTable, UsageRowsTable } from "./UsageTables";
import { csvFileName, usageCsvUrl } from "./usage-export";
import { createUsageReport, type UsageSource } from "./usage-report";
import {
  dailyStacks,
  dailyTokens,
  isEmpty,
  ranking,
  type UsageFilterValues,
  type UsageGroupBy,
} from "./usage-series";
import "./usage.css";

type Split = "MODEL" | "PROVIDER";

/**
 * The usage of a period: totals, cost per day (by model or provider), tokens per day, models, the time
 * to the first token, API keys and — for the organisation — its top users. Each chart has its table
 * and its CSV. The same set serves Analytics (the organisation) and My usage (the viewer).
 */
export function UsageDashboard(props: {
  source: UsageSource;
  range: PeriodRange | null;
  filter?: UsageFilterValues;
  /** Of the cards' headings: 2 on a page of its own, 3 inside the administration. */
  level: 2 | 3;
}): JSX.Element {
  const [split, setSplit] = createSignal<Split>("MODEL");
  const report = (groupBy: () => UsageGroupBy[]) =>
    createUsageReport(props.source, () => ({ range: props.range, groupBy: groupBy(), filter: props.filter }));
  const daily = report(() => ["DAY"]);
  const dailySplit = report(() => ["DAY", split()]);
  const models = report(() => ["MODEL"]);
  const apiKeys = report(() => ["API_KEY"]);
  const users = props.source === "organization" ? report(() => ["USER"]) : undefined;

  const days = createMemo(() => (props.range ? daysOf(props.range) : []));
  const costPerDay = createMemo(() =>
    dailyStacks(dailySplit.report()?.rows ?? [], days(), split(), { otherLabel: t("usage.other") }),
  );
  const tokensPerDay = createMemo(() =>
    dailyTokens(daily.report()?.rows ?? [], days(), {
      prompt: t("usage.promptTokens"),
      completion: t("usage.completionTokens"),
    }),
  );
  const modelCost = createMemo(() =>
    ranking(models.report()?.rows ?? [], "costUsd", { label: t("usage.cost"), limit: 10 }),
  );
  const firstToken = createMemo(() =>
    ranking(models.report()?.rows ?? [], "p95FirstTokenMs", { label: t("usage.p95"), limit: 10 }),
  );
  const userCost = createMemo(() =>
    ranking(users?.report()?.rows ?? [], "costUsd", { label: t("usage.cost"), limit: 10 }),
  );

  const csv = (groupBy: UsageGroupBy[]) => {
    const range = props.range;
    if (!range) return undefined;
    return {
      url: usageCsvUrl({
        range,
        groupBy,
        filter: props.filter,
        scope: props.source === "me" ? "me" : undefined,
      }),
      fileName: csvFileName("usage", range),
    };
  };
  const download = (groupBy: UsageGroupBy[], of: string) => (
    <Show when={csv(groupBy)}>
      {(file) => (
        <DownloadButton url={file().url} fileName={file().fileName} label={t("usage.downloadCsv")} of={of} />
      )}
    </Show>
  );
  const tokens = (value: number) => formatCount(value, "full");
  const longDay = (day: string) => formatDay(day, "medium");

  return (
    <>
      <UsageTotals report={daily} level={props.level} />
      <UsageCard
        level={props.level}
        id={`${props.source}-cost-per-day`}
        title={t("usage.costPerDay")}
        empty={isEmpty(costPerDay())}
        fetching={dailySplit.fetching()}
        error={dailySplit.error()}
        tools={
          <>
            <fieldset class="segmented">
              <legend>{t("usage.splitBy")}</legend>
              {(["MODEL", "PROVIDER"] as const).map((choice) => (
                <label class="segmented-option">
                  <input
                    type="radio"
                    name={`${props.source}-split`}
                    value={choice}
                    checked={split() === choice}
                    onChange={() => setSplit(choice)}
                  />
                  {t(choice === "MODEL" ? "usage.splitModel" : "usage.splitProvider")}
                </label>
              ))}
            </fieldset>
            {download(["DAY", split()], t("usage.costPerDay"))}
          </>
        }
      >
        <UsageChart
          data={costPerDay()}
          categoryLabel={t("usage.day")}
          title={t("usage.costPerDay")}
          format={formatCost}
          formatCategory={(day) => formatDay(day)}
        />
        <ChartTable
          title={t("usage.costPerDay")}
          data={costPerDay()}
          categoryLabel={t("usage.day")}
          format={formatCost}
          formatCategory={longDay}
        />
      </UsageCard>
      <UsageCard
        level={props.level}
        id={`${props.source}-tokens-per-day`}
        title={t("usage.tokensPerDay")}
        empty={isEmpty(tokensPerDay())}
        fetching={daily.fetching()}
        error={daily.error()}
        tools={download(["DAY"], t("usage.tokensPerDay"))}
      >
        <UsageChart
          data={tokensPerDay()}
          categoryLabel={t("usage.day")}
          title={t("usage.tokensPerDay")}
          format={tokens}
          formatCategory={(day) => formatDay(day)}
        />
        <ChartTable
          title={t("usage.tokensPerDay")}
          data={tokensPerDay()}
          categoryLabel={t("usage.day")}
          format={tokens}
          formatCategory={longDay}
        />
      </UsageCard>
      <Show when={users}>
        {(report) => (
          <UsageCard
            level={props.level}
            id={`${props.source}-top-users`}
            title={t("usage.topUsers")}
            empty={isEmpty(userCost())}
            fetching={report().fetching()}
            error={report().error()}
            tools={download(["USER"], t("usage.topUsers"))}
          >
            <UsageChart
              data={userCost()}
              categoryLabel={t("usage.user")}
              title={t("usage.topUsers")}
              format={formatCost}
              orientation="horizontal"
            />
            <UsageRowsTable
              title={t("usage.topUsers")}
              rows={report().report()?.rows ?? []}
              totals={report().report()?.totals}
              nameLabel={t("usage.user")}
            />
          </UsageCard>
        )}
      </Show>
      <UsageCard
        level={props.level}
        id={`${props.source}-models`}
        title={t("usage.topModels")}
        empty={isEmpty(modelCost())}
        fetching={models.fetching()}
        error={models.error()}
        tools={download(["MODEL"], t("usage.topModels"))}
      >
        <UsageChart
          data={modelCost()}
          categoryLabel={t("usage.model")}
          title={t("usage.topModels")}
          format={formatCost}
          orientation="horizontal"
        />
        <UsageRowsTable
          title={t("usage.topModels")}
          rows={models.report()?.rows ?? []}
          totals={models.report()?.totals}
          nameLabel={t("usage.model")}
          withFirstToken
        />
      </UsageCard>
      <UsageCard
        level={props.level}
        id={`${props.source}-first-token`}
        title={t("usage.firstToken")}
        empty={isEmpty(firstToken())}
        fetching={models.fetching()}
        error={models.error()}
      >
        <UsageChart
          data={firstToken()}
          categoryLabel={t("usage.model")}
          title={t("usage.firstToken")}
          format={formatMilliseconds}
          orientation="horizontal"
        />
        <ChartTable
          title={t("usage.firstToken")}
          data={firstToken()}
          categoryLabel={t("usage.model")}
          format={formatMilliseconds}
        />
      </UsageCard>
      <UsageCard
        level={props.level}
        id={`${props.source}-api-keys`}
        title={t("usage.byApiKey")}
        empty={(apiKeys.report()?.rows.length ?? 0) === 0}
        fetching={apiKeys.fetching()}
        error={apiKeys.error()}
        tools={download(["API_KEY"], t("usage.byApiKey"))}
      >
        <UsageRowsTable
          title={t("usage.byApiKey")}
          rows={apiKeys.report()?.rows ?? []}
          totals={apiKeys.report()?.totals}
          nameLabel={t("usage.apiKey")}
        />
      </UsageCard>
    </>
  );
}

/** Cost, requests and tokens of the period, and this month's cost projected to its end. */
function UsageTotals(props: { report: ReturnType<typeof createUsageReport>; level: 2 | 3 }): JSX.Element {
  return (
    <section class="card" aria-labelledby="usage-summary-heading">
      <Dynamic component={`h${props.level}`} id="usage-summary-heading" class="card-header">
        {t("usage.summary")}
      </Dynamic>
      <div class="card-body">
        <Show
          when={props.report.report()}
          fallback={<p class="metadata">{props.report.fetching() ? t("app.loading") : ""}</p>}
        >
          {(report) => (
            <dl class="usage-totals" data-testid="usage-totals">
              <div>
                <dt>{t("usage.totalCost")}</dt>
                <dd data-total="cost">{formatCost(report().totals.costUsd)}</dd>
              </div>
              <div>
                <dt>{t("usage.requests")}</dt>
                <dd data-total="requests">{formatCount(report().totals.requests, "full")}</dd>
              </div>
              <div>
                <dt>{t("usage.totalTokens")}</dt>
                <dd data-total="tokens">
                  {formatCount(report().totals.promptTokens + report().totals.completionTokens, "full")}
                </dd>
              </div>
              <div>
                <dt>{t("usage.projected")}</dt>
                <dd data-total="projected">
                  {report().projectedMonthUsd === null || report().projectedMonthUsd === undefined
                    ? t("usage.notProjected")
                    : formatCost(report().projectedMonthUsd ?? 0)}
                </dd>
              </div>
            </dl>
          )}
        </Show>
        <Show when={props.report.error()}>
          {(error) => (
            <p class="alert" role="alert">
              {describeError(error())}
            </p>
          )}
        </Show>
      </div>
    </section>
  );
}
