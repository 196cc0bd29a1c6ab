// libFuzzer target: the OpenAI request body, written by hand for speed, must be byte for byte
// what QJsonDocument writes for the same request, whatever the prompt holds (arbitrary UTF-16:
// control characters, lone surrogates, quotes, backslashes) and whatever the numbers are.
#include "openaicodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace poolscope;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 12)
        return 0;
    double temperature = 0;
    std::memcpy(&temperature, data, sizeof temperature);
    int maxTokens = 0;
    std::memcpy(&maxTokens, data + 8, sizeof maxTokens);
    data += 12;
    size -= 12;
    // The rest is UTF-16 code units: a prompt, a system prompt and a model name, split in three.
    const qsizetype units = qsizetype(size / 2);
    const QString all = QString::fromUtf16(reinterpret_cast<const char16_t*>(data), units);
    const qsizetype third = units / 3;

    ChatRequest request;
    request.model = all.left(third);
    request.messages = {{u"system"_s, all.mid(third, third)}, {u"user"_s, all.mid(2 * third)}};
    request.stream = (maxTokens & 1) != 0;
    request.maxTokens = maxTokens < 0 ? -1 : maxTokens;
    request.temperature = temperature;

    QJsonArray messages;
    for (const ChatMessage& message : request.messages)
        messages.append(QJsonObject{{u"role"_s, message.role}, {u"content"_s, message.content}});
    QJsonObject expected{
        {u"model"_s, request.model}, {u"messages"_s, messages}, {u"stream"_s, request.stream}};
    if (request.stream)
        expected.insert(u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}});
    if (request.maxTokens >= 0)
        expected.insert(u"max_tokens"_s, request.maxTokens);
    if (!std::isnan(temperature))
        expected.insert(u"temperature"_s, temperature);

    const OpenAiCodec codec;
    const QByteArray body = codec.buildChatRequest(QUrl(u"http://h/v1"_s), {}, request).body;
    if (body != QJsonDocument(expected).toJson(QJsonDocument::Compact))
        std::abort();
    return 0;
}
