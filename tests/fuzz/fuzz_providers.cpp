// libFuzzer target: every API's response parser, error parser, model-list parser and stream
// decoder on arbitrary bytes. Nothing may crash, hang or assert; a stream is fed in pieces.
#include "providercodec.h"

#include <cstdint>

using namespace poolscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0)
        return 0;
    const ApiStyle style = ApiStyle(data[0] % 3);
    const QByteArrayView bytes(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    const auto codec = makeProviderCodec(style);
    (void)codec->parseResponse(bytes);
    (void)codec->errorMessage(bytes);
    (void)codec->parseModels(bytes);
    const auto decoder = codec->newStreamDecoder();
    const qsizetype piece = 1 + qsizetype(data[0] / 3) % 64;
    for (qsizetype at = 0; at < bytes.size(); at += piece)
        (void)decoder->feed(bytes.sliced(at, std::min(piece, bytes.size() - at)));
    (void)decoder->isFinished();
    return 0;
}
