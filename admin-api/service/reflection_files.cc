#include "admin-api/service/reflection_files.h"

#include <set>

#include <google/protobuf/descriptor.pb.h>

namespace kgate::admin {

std::vector<std::string> serialized_with_dependencies(const google::protobuf::FileDescriptor& file) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::vector<const google::protobuf::FileDescriptor*> todo{&file};
    while (!todo.empty()) {
        const auto* f = todo.back();
        todo.pop_back();
        if (!seen.insert(f->name()).second) continue;
        google::protobuf::FileDescriptorProto proto;
        f->CopyTo(&proto);
        out.push_back(proto.SerializeAsString());
        for (int i = 0; i < f->dependency_count(); ++i) todo.push_back(f->dependency(i));
    }
    return out;
}

}  // namespace kgate::admin
