#include "secretstore.h"

using namespace Qt::StringLiterals;

namespace poolscope {

QString secretOperationName(SecretResult::Operation operation) {
    switch (operation) {
    case SecretResult::Operation::Read:
        return u"read"_s;
    case SecretResult::Operation::Write:
        return u"write"_s;
    case SecretResult::Operation::Remove:
        return u"remove"_s;
    }
    return {};
}

SecretStore::SecretStore(QObject* parent)
    : QObject(parent) {
    qRegisterMetaType<SecretResult>();
}

} // namespace poolscope
