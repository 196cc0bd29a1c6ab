#pragma once

#include "chatrequest.h"

#include <QList>
#include <QString>

namespace poolscope {

struct DatasetItem {
    ChatRequest request; // messages, and model / max_tokens / temperature when the line sets them
    int line = 0;        // 1-based line where the item starts
};

struct DatasetError {
    int line = 0;
    QString message;
    QString toString() const;
};

struct Dataset {
    QList<DatasetItem> items;
    QList<DatasetError> errors; // one per bad line; a line with an error yields no item
    QString fileError;          // the file itself could not be read or has no usable shape

    bool ok() const { return fileError.isEmpty() && errors.isEmpty(); }
};

// Reads prompts from .txt (one per line), .jsonl (lines with "prompt", "messages", or OpenAI
// batch lines {"custom_id", "body"}) and .csv (a "prompt" column, RFC 4180 quoting).
// The format follows the extension; an unknown one is read as .txt.
Dataset loadDataset(const QString& path);
Dataset parseDataset(const QByteArray& content, const QString& format); // "txt", "jsonl", "csv"

} // namespace poolscope
