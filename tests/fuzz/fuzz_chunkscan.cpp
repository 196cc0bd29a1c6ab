// libFuzzer target: the stream-event scans (JsonScanner) against the full parse (QJsonDocument).
// Whenever the OpenAI response scan answers, the full parse must read the same text, finish
// reason and usage without an error. Whenever the OpenAI chunk scan answers, the full parse must
// accept the same bytes as an object without an error or usage object, and read the same content
// and finish reason; whenever the Anthropic text-delta scan answers, the full parse must read a
// content_block_delta with the same text. Any disagreement aborts.
#include "anthropiccodec.h"
#include "codecjson.h"
#include "openaicodec.h"

#include <cstdint>
#include <cstdlib>

using namespace poolscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    if (const auto scanned = OpenAiCodec::scanChunk(bytes)) {
        const auto parsed = codecjson::parseObject(bytes, nullptr);
        if (!parsed || parsed->value(u"error").isObject() || parsed->value(u"usage").isObject() ||
            !(OpenAiCodec::chunkDeltaFromJson(*parsed) == *scanned))
            std::abort();
    }
    if (const auto scanned = OpenAiCodec::scanResponse(bytes)) {
        const ParsedResponse full = OpenAiCodec::parseResponseFully(bytes);
        if (!full.error.isEmpty() || !scanned->error.isEmpty() || scanned->text != full.text ||
            scanned->finishReason != full.finishReason || !(scanned->usage == full.usage))
            std::abort();
    }
    if (const auto text = AnthropicCodec::scanTextDelta(bytes)) {
        const auto parsed = codecjson::parseObject(bytes, nullptr);
        if (!parsed || parsed->value(u"type").toString() != QStringView(u"content_block_delta") ||
            AnthropicCodec::textDeltaFromJson(*parsed) != *text)
            std::abort();
    }
    return 0;
}
