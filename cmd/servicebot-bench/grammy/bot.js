// The benchmark's peer (servicebot-bench -peer grammy): the conversation the
// simulated citizens of bot/bottest/load hold, on grammY with
// @grammyjs/runner, per-chat sequentialize and sessions in PostgreSQL
// (@grammyjs/storage-psql), the way a grammY bot of this kind is usually
// built. Like every runner bot it confirms updates to Telegram as it takes
// them, before handling them: an update being handled when the process dies
// is lost.
//
// Environment: BOT_TOKEN, BOT_API (the fake Bot API's URL), DATABASE_URL,
// PEER_SCRIPT (a JSON file the benchmark writes from the pack: the FAQ and
// the questionnaires), PG_POOL (connections, default 16). It prints "ready"
// on stdout once it polls, and stops on SIGTERM.
"use strict";

const fs = require("fs");
const { Bot, session, InlineKeyboard } = require("grammy");
const { run, sequentialize } = require("@grammyjs/runner");
const { PsqlAdapter } = require("@grammyjs/storage-psql");
const { Pool } = require("pg");

const script = JSON.parse(fs.readFileSync(process.env.PEER_SCRIPT, "utf8"));
const faq = script.faq; // {categories: [{id, title, entries}], entries: {id: {q, a}}}
const questionnaires = script.questionnaires; // {rating: {...}, mystery: {...}}

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const tr = (t, lang) => (t && (t[lang] || t.uk || t.ru || Object.values(t)[0])) || "";

// The typed questions' matcher: the entry sharing most words with the
// question, in the citizen's language.
const words = (s) => (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) || []).filter((w) => w.length > 2);
const index = {};
for (const [id, e] of Object.entries(faq.entries)) {
  for (const lang of Object.keys(e.q)) {
    (index[lang] = index[lang] || []).push({ id, words: new Set(words(e.q[lang])) });
  }
}
function match(text, lang) {
  let best = null;
  let score = 0;
  const ws = words(text);
  for (const e of index[lang] || index.uk || []) {
    let n = 0;
    for (const w of ws) if (e.words.has(w)) n++;
    if (n > score) [best, score] = [e.id, n];
  }
  return best;
}

function menu(lang) {
  const kb = new InlineKeyboard().text(lang === "ru" ? "Частые вопросы" : "Часті питання", "fr:").row();
  return { text: lang === "ru" ? "Чем помочь?" : "Чим допомогти?", kb };
}
function categories(lang) {
  const kb = new InlineKeyboard();
  for (const c of faq.categories) kb.text(tr(c.title, lang), `fc:${c.id}:0`).row();
  return { text: lang === "ru" ? "Выберите тему:" : "Оберіть тему:", kb };
}
function questions(cat, lang) {
  const kb = new InlineKeyboard();
  const c = faq.categories.find((c) => c.id === cat);
  for (const id of (c ? c.entries : []).slice(0, 8)) kb.text(tr(faq.entries[id].q, lang).slice(0, 60), `fq:${id}`).row();
  kb.text("«", "fr:");
  return { text: esc(c ? tr(c.title, lang) : "?"), kb };
}
function answer(id, lang) {
  const e = faq.entries[id];
  const kb = new InlineKeyboard().text("«", "fr:");
  if (!e) return { text: lang === "ru" ? "Не нашёл ответа." : "Не знайшов відповіді.", kb };
  return { text: `<b>${esc(tr(e.q, lang))}</b>\n\n${esc(tr(e.a, lang))}`, kb };
}

// ---- questionnaires: intro, one question at a time, a summary to send ----

function holds(c, answers) {
  if (c.all) return c.all.every((x) => holds(x, answers));
  if (c.any) return c.any.some((x) => holds(x, answers));
  const got = answers[c.question] || [];
  if (c.any_of) return got.some((a) => c.any_of.includes(a));
  if (c.at_most != null) return got.some((a) => Number(a) <= c.at_most);
  return false;
}
function visible(q, answers) {
  return !q.when || holds(q.when, answers);
}
function nextQuestion(qn, from, answers) {
  for (let i = from; i < qn.questions.length; i++) if (visible(qn.questions[i], answers)) return i;
  return -1;
}
const options = {
  rating5: ["1", "2", "3", "4", "5"],
  scale10: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
  yesno: ["yes", "no"],
  yesnona: ["yes", "no", "na"],
  date: ["today", "yesterday"],
};
function render(s, lang) {
  const qn = questionnaires[s.q.kind];
  const k = s.q.kind === "rating" ? "r" : "m";
  if (s.q.at === -1) {
    return { text: esc(tr(qn.intro, lang)), kb: new InlineKeyboard().text(lang === "ru" ? "Начать" : "Почати", `qs:${k}:go`) };
  }
  if (s.q.at >= qn.questions.length) {
    const lines = Object.entries(s.q.answers).map(([q, a]) => `${esc(q)}: ${esc(a.join(", "))}`);
    return {
      text: `${esc(tr(qn.title, lang))}\n\n${lines.join("\n")}`,
      kb: new InlineKeyboard().text(lang === "ru" ? "Отправить" : "Надіслати", `qs:${k}:send`),
    };
  }
  const q = qn.questions[s.q.at];
  const kb = new InlineKeyboard();
  let text = esc(tr(q.text, lang));
  if (q.type === "centre" && !s.q.city) {
    for (const city of script.cities.slice(0, 6)) kb.text(city, `qy:${city}`).row();
  } else if (q.type === "centre") {
    for (const c of script.centres.slice(0, 6)) kb.text(c, `qa:${k}:${q.id}:${c}`).row();
  } else if (q.type === "single" || q.type === "multi") {
    const chosen = s.q.answers[q.id] || [];
    for (const o of q.options) kb.text((chosen.includes(o) ? "✓ " : "") + o, `qa:${k}:${q.id}:${o}`).row();
    if (q.type === "multi") kb.text(lang === "ru" ? "Готово" : "Готово", `qd:${k}:${q.id}`);
  } else if (options[q.type]) {
    for (const o of options[q.type]) kb.text(o, `qa:${k}:${q.id}:${o}`);
  }
  if (q.optional || q.type === "photo") kb.row().text(lang === "ru" ? "Пропустить" : "Пропустити", `qk:${k}:${q.id}`);
  return { text, kb };
}
function advance(s) {
  const qn = questionnaires[s.q.kind];
  const at = nextQuestion(qn, s.q.at + 1, s.q.answers);
  s.q.at = at === -1 ? qn.questions.length : at;
  s.q.city = undefined;
}

// ---- the bot ----

async function main() {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.PG_POOL || 16) });
  const storage = await PsqlAdapter.create({ tableName: "sessions", client: pool });
  const bot = new Bot(process.env.BOT_TOKEN, { client: { apiRoot: process.env.BOT_API } });
  bot.catch((err) => console.error("peer:", err.error && err.error.message ? err.error.message : err.message));
  bot.use(sequentialize((ctx) => ctx.chat && String(ctx.chat.id)));
  bot.use(session({ initial: () => ({ seen: 0 }), storage, getSessionKey: (ctx) => ctx.chat && String(ctx.chat.id) }));
  bot.use((ctx, next) => {
    ctx.session.seen++;
    ctx.session.lang = (ctx.from && ctx.from.language_code) === "ru" ? "ru" : "uk";
    return next();
  });

  const reply = (ctx, v) => ctx.reply(v.text, { parse_mode: "HTML", reply_markup: v.kb });
  const edit = async (ctx, v) => {
    await ctx.answerCallbackQuery();
    return ctx.editMessageText(v.text, { parse_mode: "HTML", reply_markup: v.kb });
  };
  const startQuestionnaire = (ctx, kind) => {
    ctx.session.q = { kind, at: -1, answers: {} };
    return reply(ctx, render(ctx.session, ctx.session.lang));
  };

  bot.command("menu", (ctx) => reply(ctx, menu(ctx.session.lang)));
  bot.command("mystery", (ctx) => startQuestionnaire(ctx, "mystery"));
  bot.command("start", (ctx) => {
    if (ctx.match.startsWith("r_")) {
      ctx.session.centre = ctx.match.slice(2);
      return startQuestionnaire(ctx, "rating");
    }
    return reply(ctx, menu(ctx.session.lang));
  });
  bot.callbackQuery("fr:", (ctx) => edit(ctx, categories(ctx.session.lang)));
  bot.callbackQuery(/^fc:([^:]+):/, (ctx) => edit(ctx, questions(ctx.match[1], ctx.session.lang)));
  bot.callbackQuery(/^fq:(.+)$/, (ctx) => edit(ctx, answer(ctx.match[1], ctx.session.lang)));
  bot.callbackQuery(/^qs:[rm]:(go|send)$/, async (ctx) => {
    const s = ctx.session;
    if (!s.q) return ctx.answerCallbackQuery();
    if (ctx.match[1] === "send") {
      s.sent = (s.sent || 0) + 1;
      s.q = undefined;
      await ctx.answerCallbackQuery();
      return ctx.editMessageText(s.lang === "ru" ? "Спасибо! Ответы отправлены." : "Дякуємо! Відповіді надіслано.");
    }
    s.q.at = nextQuestion(questionnaires[s.q.kind], 0, s.q.answers);
    return edit(ctx, render(s, s.lang));
  });
  bot.callbackQuery(/^qy:(.+)$/, (ctx) => {
    if (!ctx.session.q) return ctx.answerCallbackQuery();
    ctx.session.q.city = ctx.match[1];
    return edit(ctx, render(ctx.session, ctx.session.lang));
  });
  bot.callbackQuery(/^q([adk]):[rm]:([^:]+)(?::(.+))?$/, (ctx) => {
    const s = ctx.session;
    if (!s.q || s.q.at < 0) return ctx.answerCallbackQuery();
    const q = questionnaires[s.q.kind].questions[s.q.at];
    const [, act, id, value] = ctx.match;
    if (!q || q.id !== id) return ctx.answerCallbackQuery(); // a stale button
    if (act === "a" && q.type === "multi") {
      const chosen = s.q.answers[id] || [];
      s.q.answers[id] = chosen.includes(value) ? chosen.filter((v) => v !== value) : [...chosen, value];
    } else {
      if (act === "a") s.q.answers[id] = [value];
      advance(s);
    }
    return edit(ctx, render(s, s.lang));
  });
  bot.on("message:text", (ctx) => {
    const s = ctx.session;
    if (s.q && s.q.at >= 0 && s.q.at < questionnaires[s.q.kind].questions.length) {
      const q = questionnaires[s.q.kind].questions[s.q.at];
      if (q.type === "text") {
        s.q.answers[q.id] = [ctx.message.text.slice(0, 500)];
        advance(s);
        return reply(ctx, render(s, s.lang));
      }
    }
    return reply(ctx, answer(match(ctx.message.text, s.lang), s.lang));
  });
  bot.on("callback_query:data", (ctx) => ctx.answerCallbackQuery());

  await bot.init();
  // What was queued before this bot (the benchmark's earlier phases) is not its.
  await bot.api.getUpdates({ offset: Number(process.env.INITIAL_OFFSET || 0), limit: 1, timeout: 0 });
  const runner = run(bot, { runner: { fetch: { timeout: 25 } } });
  console.log("ready");
  const stop = async () => {
    if (runner.isRunning()) await runner.stop();
    await pool.end();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  console.error("peer:", err);
  process.exit(1);
});
