#include "truthrecord.h"

#include "jsonwriter.h"

namespace poolscope::sim {

QByteArray TruthRecord::toJsonLine() const {
    QByteArray out;
    out.reserve(320);
    out.append("{\"request_id\":");
    json::appendString(out, requestId.toUtf8());
    out.append(",\"connection_id\":");
    json::appendNumber(out, static_cast<qint64>(connectionId));
    out.append(",\"received_at_us\":");
    json::appendNumber(out, receivedAtUs);
    out.append(",\"first_token_at_us\":");
    json::appendNumber(out, firstTokenAtUs);
    out.append(",\"last_byte_at_us\":");
    json::appendNumber(out, lastByteAtUs);
    out.append(",\"status\":");
    json::appendNumber(out, status);
    out.append(",\"new_connection\":");
    json::appendBool(out, newConnection);
    out.append(",\"path\":");
    json::appendString(out, path.toUtf8());
    out.append(",\"stream\":");
    json::appendBool(out, stream);
    out.append(",\"prompt_tokens\":");
    json::appendNumber(out, promptTokens);
    out.append(",\"output_tokens\":");
    json::appendNumber(out, outputTokens);
    out.append(",\"fault\":");
    json::appendString(out, fault.toUtf8());
    out.append(",\"completed\":");
    json::appendBool(out, completed);
    out.append(",\"queued_us\":");
    json::appendNumber(out, queuedUs);
    out.append("}\n");
    return out;
}

} // namespace poolscope::sim
