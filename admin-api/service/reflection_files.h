#pragma once
// What server reflection answers with, found in the descriptors linked into the binary.
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

namespace kgate::admin {

// A file's FileDescriptorProto, serialized, followed by those of every file it imports,
// directly or not: a client can build the file's types from the answer alone.
std::vector<std::string> serialized_with_dependencies(const google::protobuf::FileDescriptor& file);

}  // namespace kgate::admin
