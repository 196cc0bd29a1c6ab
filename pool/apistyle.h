#pragma once

#include <QString>

#include <optional>

namespace poolscope {

// The wire format a server speaks. Presets map a provider to one of these.
enum class ApiStyle { OpenAI, Anthropic, Gemini };

QString apiStyleName(ApiStyle style);                          // "openai", "anthropic", "gemini"
std::optional<ApiStyle> apiStyleFromName(const QString& name); // case-insensitive

} // namespace poolscope
