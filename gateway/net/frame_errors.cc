#include "gateway/net/frame_errors.h"

#include <string>

namespace kgate::gateway {
namespace {

class FrameCategory : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "kafka-frame"; }
    std::string message(int ev) const override {
        switch (static_cast<FrameErrc>(ev)) {
            case FrameErrc::too_large: return "frame larger than the maximum frame size";
            case FrameErrc::negative_size: return "negative frame size";
        }
        return "unknown frame error";
    }
};

}  // namespace

const boost::system::error_category& frame_category() {
    static const FrameCategory category;
    return category;
}

}  // namespace kgate::gateway
