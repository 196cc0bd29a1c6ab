#include "resultfile.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

// Length of the file up to and including its last newline.
qint64 wholeLinesLength(QFile& file) {
    const qint64 size = file.size();
    constexpr qint64 block = 4096;
    for (qint64 end = size; end > 0; end -= block) {
        const qint64 start = std::max<qint64>(0, end - block);
        file.seek(start);
        const QByteArray chunk = file.read(end - start);
        const qsizetype newline = chunk.lastIndexOf('\n');
        if (newline >= 0)
            return start + newline + 1;
    }
    return 0;
}

} // namespace

bool ResultFile::open(const QString& path, bool append, QString* error) {
    m_file.setFileName(path);
    const QIODevice::OpenMode mode =
        append ? QIODevice::ReadWrite : (QIODevice::WriteOnly | QIODevice::Truncate);
    if (!m_file.open(mode)) {
        if (error)
            *error = u"cannot write "_s + path + u": "_s + m_file.errorString();
        return false;
    }
    if (append) {
        const qint64 keep = wholeLinesLength(m_file);
        if (keep != m_file.size() && !m_file.resize(keep)) {
            if (error)
                *error = u"cannot repair the torn last line of "_s + path;
            return false;
        }
        m_file.seek(keep);
    }
    return true;
}

bool ResultFile::write(const RequestRecord& record, QString* error) {
    QByteArray line = QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact);
    line.append('\n');
    if (m_file.write(line) != line.size() || !m_file.flush()) {
        if (error)
            *error = u"cannot write "_s + m_file.fileName() + u": "_s + m_file.errorString();
        return false;
    }
    return true;
}

QSet<QString> ResultFile::completedIndices(const QString& path, QString* error) {
    QSet<QString> done;
    QFile file(path);
    if (!file.exists())
        return done;
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = u"cannot read "_s + path + u": "_s + file.errorString();
        return done;
    }
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        if (!line.endsWith('\n'))
            break; // torn by a crash: not done
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        const QJsonValue index = object.value(u"index"_s);
        if (index.isString())
            done.insert(index.toString());
    }
    return done;
}

} // namespace poolscope
