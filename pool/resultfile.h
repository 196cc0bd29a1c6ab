#pragma once

#include "requestrecord.h"

#include <QFile>
#include <QSet>
#include <QString>

namespace poolscope {

// The per-request JSONL file of a run: one record a line, each flushed to the OS as it lands,
// so a killed run loses at most the line being written, and --resume can finish the job.
class ResultFile {
public:
    // Opens for appending (resume) or truncating. A torn last line left by a crash is cut off
    // first, so that every line in the file is a whole record.
    bool open(const QString& path, bool append, QString* error);
    bool write(const RequestRecord& record, QString* error);
    void close() { m_file.close(); }

    // The "index" of every whole record in an existing file (what --resume skips).
    static QSet<QString> completedIndices(const QString& path, QString* error);

private:
    QFile m_file;
};

} // namespace poolscope
