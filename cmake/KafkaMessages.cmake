# Unpacks Apache Kafka's message definitions from the kafka-clients jar (fetched by
# scripts/setup) into the build tree, and works out the file names the generator writes.
set(KGATE_KAFKA_VERSION "4.4.0" CACHE STRING "Kafka release whose message definitions the codec is generated from")

if(DEFINED ENV{KGATE_CACHE})
  set(_kgate_cache "$ENV{KGATE_CACHE}")
elseif(DEFINED ENV{XDG_CACHE_HOME})
  set(_kgate_cache "$ENV{XDG_CACHE_HOME}/kgate")
else()
  set(_kgate_cache "$ENV{HOME}/.cache/kgate")
endif()
set(KGATE_KAFKA_CLIENTS_JAR "${_kgate_cache}/kafka-clients-${KGATE_KAFKA_VERSION}.jar"
    CACHE FILEPATH "The org.apache.kafka:kafka-clients jar holding common/message/*.json")

if(NOT EXISTS "${KGATE_KAFKA_CLIENTS_JAR}")
  message(FATAL_ERROR "kafka-clients ${KGATE_KAFKA_VERSION} is not at ${KGATE_KAFKA_CLIENTS_JAR}: "
                      "run scripts/setup (it fetches the jar with Maven), or set KGATE_KAFKA_CLIENTS_JAR.")
endif()

set(KGATE_MESSAGE_DIR "${CMAKE_BINARY_DIR}/kafka-messages-${KGATE_KAFKA_VERSION}")
file(REMOVE_RECURSE "${KGATE_MESSAGE_DIR}")
file(ARCHIVE_EXTRACT INPUT "${KGATE_KAFKA_CLIENTS_JAR}" DESTINATION "${KGATE_MESSAGE_DIR}"
     PATTERNS "common/message/*.json")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${KGATE_KAFKA_CLIENTS_JAR}")
file(GLOB KGATE_MESSAGE_JSON "${KGATE_MESSAGE_DIR}/common/message/*.json")
list(LENGTH KGATE_MESSAGE_JSON _count)
if(_count EQUAL 0)
  message(FATAL_ERROR "${KGATE_KAFKA_CLIENTS_JAR} holds no common/message/*.json")
endif()
message(STATUS "Kafka ${KGATE_KAFKA_VERSION} message definitions: ${_count}")

# The generator names files by the same snake_case rule (codegen/src/naming.cc).
set(KGATE_GENERATED_DIR "${CMAKE_BINARY_DIR}/generated")
set(KGATE_GENERATED_MESSAGE_SOURCES "")
set(KGATE_GENERATED_FILL_SOURCES "")
set(KGATE_GENERATED_HEADERS "")
foreach(json IN LISTS KGATE_MESSAGE_JSON)
  get_filename_component(name "${json}" NAME_WE)
  string(REGEX REPLACE "([a-z0-9])([A-Z])" "\\1_\\2" snake "${name}")
  string(TOLOWER "${snake}" snake)
  list(APPEND KGATE_GENERATED_MESSAGE_SOURCES "${KGATE_GENERATED_DIR}/protocol/messages/${snake}.cc")
  list(APPEND KGATE_GENERATED_HEADERS "${KGATE_GENERATED_DIR}/protocol/messages/${snake}.h")
  list(APPEND KGATE_GENERATED_FILL_SOURCES "${KGATE_GENERATED_DIR}/test_support/fill/${snake}_fill.cc")
endforeach()
list(APPEND KGATE_GENERATED_MESSAGE_SOURCES
     "${KGATE_GENERATED_DIR}/protocol/messages/api_table.cc"
     "${KGATE_GENERATED_DIR}/protocol/messages/any_message.cc")
list(APPEND KGATE_GENERATED_HEADERS "${KGATE_GENERATED_DIR}/protocol/messages/any_message.h")
list(APPEND KGATE_GENERATED_FILL_SOURCES
     "${KGATE_GENERATED_DIR}/test_support/message_registry.cc")
list(APPEND KGATE_GENERATED_HEADERS "${KGATE_GENERATED_DIR}/test_support/fill/all_fills.h")
