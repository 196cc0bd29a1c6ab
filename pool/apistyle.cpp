#include "apistyle.h"

using namespace Qt::StringLiterals;

namespace poolscope {

QString apiStyleName(ApiStyle style) {
    switch (style) {
    case ApiStyle::OpenAI:
        return u"openai"_s;
    case ApiStyle::Anthropic:
        return u"anthropic"_s;
    case ApiStyle::Gemini:
        return u"gemini"_s;
    }
    return {};
}

std::optional<ApiStyle> apiStyleFromName(const QString& name) {
    const QString lower = name.trimmed().toLower();
    for (ApiStyle style : {ApiStyle::OpenAI, ApiStyle::Anthropic, ApiStyle::Gemini}) {
        if (apiStyleName(style) == lower)
            return style;
    }
    return std::nullopt;
}

} // namespace poolscope
