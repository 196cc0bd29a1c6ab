#include "providercodec.h"

#include "anthropiccodec.h"
#include "geminicodec.h"
#include "openaicodec.h"

namespace poolscope {

std::unique_ptr<ProviderCodec> makeProviderCodec(ApiStyle style) {
    switch (style) {
    case ApiStyle::OpenAI:
        return std::make_unique<OpenAiCodec>();
    case ApiStyle::Anthropic:
        return std::make_unique<AnthropicCodec>();
    case ApiStyle::Gemini:
        return std::make_unique<GeminiCodec>();
    }
    return std::make_unique<OpenAiCodec>(); // unreachable for valid enum values
}

qint64 estimateTokens(const QString& text) {
    if (text.isEmpty())
        return 0;
    return (qint64(text.size()) + 3) / 4;
}

} // namespace poolscope
