#include "dataset.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace poolscope {

QString DatasetError::toString() const {
    return line > 0 ? u"line "_s + QString::number(line) + u": "_s + message : message;
}

namespace {

QList<QByteArray> splitLines(const QByteArray& content) {
    QList<QByteArray> lines = content.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    for (QByteArray& line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    return lines;
}

ChatRequest userPrompt(const QString& prompt) {
    ChatRequest request;
    request.messages.append({u"user"_s, prompt});
    return request;
}

Dataset parseText(const QByteArray& content) {
    Dataset dataset;
    const QList<QByteArray> lines = splitLines(content);
    for (int i = 0; i < lines.size(); ++i) {
        const QString prompt = QString::fromUtf8(lines[i]);
        if (prompt.trimmed().isEmpty())
            continue;
        DatasetItem item{userPrompt(prompt), i + 1};
        item.request.index = QString::number(dataset.items.size());
        dataset.items.append(item);
    }
    return dataset;
}

// Reads "messages" as the OpenAI shape: [{role, content}], content a string or text parts.
bool readMessages(const QJsonValue& value, QList<ChatMessage>* out, QString* error) {
    if (!value.isArray() || value.toArray().isEmpty()) {
        *error = u"\"messages\" must be a non-empty array"_s;
        return false;
    }
    for (const QJsonValue& entry : value.toArray()) {
        const QJsonObject object = entry.toObject();
        const QString role = object.value(u"role"_s).toString();
        if (role.isEmpty()) {
            *error = u"every message needs a \"role\""_s;
            return false;
        }
        QString content;
        const QJsonValue contentValue = object.value(u"content"_s);
        if (contentValue.isString()) {
            content = contentValue.toString();
        } else if (contentValue.isArray()) {
            for (const QJsonValue& part : contentValue.toArray())
                content += part.toObject().value(u"text"_s).toString();
        } else {
            *error = u"message \"content\" must be a string or an array of text parts"_s;
            return false;
        }
        out->append({role, content});
    }
    return true;
}

void readOptions(const QJsonObject& object, ChatRequest* request) {
    if (object.value(u"model"_s).isString())
        request->model = object.value(u"model"_s).toString();
    const QJsonValue maxTokens = object.contains(u"max_completion_tokens"_s)
                                     ? object.value(u"max_completion_tokens"_s)
                                     : object.value(u"max_tokens"_s);
    if (maxTokens.isDouble())
        request->maxTokens = maxTokens.toInt();
    if (object.value(u"temperature"_s).isDouble())
        request->temperature = object.value(u"temperature"_s).toDouble();
}

Dataset parseJsonl(const QByteArray& content) {
    Dataset dataset;
    const QList<QByteArray> lines = splitLines(content);
    for (int i = 0; i < lines.size(); ++i) {
        const int lineNumber = i + 1;
        if (lines[i].trimmed().isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(lines[i], &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            dataset.errors.append(
                {lineNumber, parseError.error != QJsonParseError::NoError
                                 ? u"invalid JSON ("_s + parseError.errorString() +
                                       u" at column "_s + QString::number(parseError.offset + 1) +
                                       u')'
                                 : u"expected a JSON object"_s});
            continue;
        }
        QJsonObject object = document.object();
        ChatRequest request;
        QString error;
        if (object.contains(u"body"_s)) {
            // OpenAI batch input: {"custom_id", "method", "url", "body": {model, messages, …}}
            const QJsonObject body = object.value(u"body"_s).toObject();
            if (!readMessages(body.value(u"messages"_s), &request.messages, &error)) {
                dataset.errors.append({lineNumber, u"body: "_s + error});
                continue;
            }
            readOptions(body, &request);
            QJsonObject extra = body;
            for (const QString& known :
                 {u"messages"_s, u"model"_s, u"max_tokens"_s, u"max_completion_tokens"_s,
                  u"temperature"_s, u"stream"_s, u"stream_options"_s})
                extra.remove(known);
            request.bodyExtra = extra;
        } else if (object.contains(u"messages"_s)) {
            if (!readMessages(object.value(u"messages"_s), &request.messages, &error)) {
                dataset.errors.append({lineNumber, error});
                continue;
            }
            readOptions(object, &request);
        } else if (object.value(u"prompt"_s).isString()) {
            request = userPrompt(object.value(u"prompt"_s).toString());
            if (object.value(u"system"_s).isString())
                request.messages.prepend({u"system"_s, object.value(u"system"_s).toString()});
            readOptions(object, &request);
        } else {
            dataset.errors.append({lineNumber,
                                   u"expected \"prompt\" (a string), \"messages\" or a batch "
                                   u"\"body\""_s});
            continue;
        }
        const QJsonValue customId = object.value(u"custom_id"_s);
        request.index =
            customId.isString() ? customId.toString() : QString::number(dataset.items.size());
        dataset.items.append({request, lineNumber});
    }
    return dataset;
}

// RFC 4180: fields separated by commas, optionally quoted, "" inside quotes, newlines allowed
// inside quotes. Returns the records with the line each starts on.
struct CsvRecord {
    QStringList fields;
    int line = 0;
};

QList<CsvRecord> parseCsvRecords(const QString& text, QList<DatasetError>* errors) {
    QList<CsvRecord> records;
    CsvRecord current{{}, 1};
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    int line = 1;
    int quoteStartLine = 0;
    auto endField = [&] {
        current.fields.append(field);
        field.clear();
        fieldStarted = false;
    };
    auto endRecord = [&] {
        endField();
        if (!(current.fields.size() == 1 && current.fields.first().isEmpty()))
            records.append(current);
        current = CsvRecord{{}, line};
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < text.size() && text.at(i + 1) == u'"') {
                    field += u'"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == u'\n')
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == u'"' && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
            quoteStartLine = line;
        } else if (c == u',') {
            endField();
        } else if (c == u'\n') {
            ++line;
            endRecord();
        } else if (c == u'\r') {
            continue;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted)
        errors->append({quoteStartLine, u"a quoted field is never closed"_s});
    else if (fieldStarted || !current.fields.isEmpty())
        endRecord();
    return records;
}

Dataset parseCsv(const QByteArray& content) {
    Dataset dataset;
    const QList<CsvRecord> records = parseCsvRecords(QString::fromUtf8(content), &dataset.errors);
    if (records.isEmpty()) {
        if (dataset.errors.isEmpty())
            dataset.fileError = u"the CSV file is empty"_s;
        return dataset;
    }
    QStringList header = records.first().fields;
    for (QString& name : header)
        name = name.trimmed().toLower();
    if (!header.isEmpty() && header.first().startsWith(QChar(0xFEFF)))
        header.first().remove(0, 1);
    const qsizetype promptColumn = header.indexOf(u"prompt"_s);
    if (promptColumn < 0) {
        dataset.fileError = u"line 1: the CSV header has no \"prompt\" column (found: "_s +
                            header.join(u", "_s) + u')';
        return dataset;
    }
    const qsizetype idColumn = header.indexOf(u"custom_id"_s);
    const qsizetype systemColumn = header.indexOf(u"system"_s);
    const qsizetype modelColumn = header.indexOf(u"model"_s);
    for (qsizetype r = 1; r < records.size(); ++r) {
        const CsvRecord& record = records[r];
        if (record.fields.size() != header.size()) {
            dataset.errors.append({record.line, u"expected "_s + QString::number(header.size()) +
                                                    u" fields, found "_s +
                                                    QString::number(record.fields.size())});
            continue;
        }
        const QString prompt = record.fields[promptColumn];
        if (prompt.trimmed().isEmpty()) {
            dataset.errors.append({record.line, u"the prompt is empty"_s});
            continue;
        }
        ChatRequest request = userPrompt(prompt);
        if (systemColumn >= 0 && !record.fields[systemColumn].isEmpty())
            request.messages.prepend({u"system"_s, record.fields[systemColumn]});
        if (modelColumn >= 0)
            request.model = record.fields[modelColumn].trimmed();
        request.index = idColumn >= 0 && !record.fields[idColumn].isEmpty()
                            ? record.fields[idColumn]
                            : QString::number(dataset.items.size());
        dataset.items.append({request, record.line});
    }
    std::stable_sort(dataset.errors.begin(), dataset.errors.end(),
                     [](const DatasetError& a, const DatasetError& b) { return a.line < b.line; });
    return dataset;
}

} // namespace

Dataset parseDataset(const QByteArray& content, const QString& format) {
    const QString lower = format.toLower();
    if (lower == u"jsonl"_s || lower == u"ndjson"_s)
        return parseJsonl(content);
    if (lower == u"csv"_s)
        return parseCsv(content);
    return parseText(content);
}

Dataset loadDataset(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        Dataset dataset;
        dataset.fileError = u"cannot read "_s + path + u": "_s + file.errorString();
        return dataset;
    }
    Dataset dataset = parseDataset(file.readAll(), QFileInfo(path).suffix());
    if (dataset.fileError.isEmpty() && dataset.errors.isEmpty() && dataset.items.isEmpty())
        dataset.fileError = path + u" holds no prompts"_s;
    return dataset;
}

} // namespace poolscope
