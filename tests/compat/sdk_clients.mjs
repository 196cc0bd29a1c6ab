// The official OpenAI and Anthropic SDKs against `poolscope serve-sim`, streaming and not.
// usage: node sdk_clients.mjs BASE_URL   (e.g. http://127.0.0.1:PORT/v1)
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import assert from "node:assert/strict";

const base = process.argv[2];
const openai = new OpenAI({ baseURL: base, apiKey: "sk-compat", maxRetries: 0 });
const anthropic = new Anthropic({ baseURL: base.replace(/\/v1$/, ""), apiKey: "sk-ant-compat", maxRetries: 0 });
let passed = 0;
const check = async (name, body) => {
  await body();
  passed++;
  console.log(`ok ${name}`);
};

await check("openai models", async () => {
  const models = await openai.models.list();
  assert.ok(models.data.length > 0);
});
await check("openai chat", async () => {
  const r = await openai.chat.completions.create({
    model: "sim-small", messages: [{ role: "user", content: "hi" }], max_tokens: 12 });
  assert.ok(r.choices[0].message.content.length > 0);
  assert.ok(r.usage.completion_tokens > 0 && r.usage.completion_tokens <= 12);
});
await check("openai chat stream with usage", async () => {
  const stream = await openai.chat.completions.create({
    model: "sim-small", messages: [{ role: "user", content: "hi" }], max_tokens: 8,
    stream: true, stream_options: { include_usage: true } });
  let text = "", usage = null, chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? "";
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(text.length > 0 && chunks > 2);
  assert.equal(usage.completion_tokens, 8);
});
await check("anthropic message", async () => {
  const m = await anthropic.messages.create({
    model: "sim-small", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
  assert.equal(m.type, "message");
  assert.ok(m.content[0].text.length > 0);
  assert.ok(m.usage.output_tokens > 0);
});
await check("anthropic message stream", async () => {
  const stream = anthropic.messages.stream({
    model: "sim-small", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
  let text = "";
  stream.on("text", (t) => { text += t; });
  const final = await stream.finalMessage();
  assert.ok(text.length > 0);
  assert.equal(final.usage.output_tokens, 10);
});
console.log(`${passed} passed, 0 failed`);
