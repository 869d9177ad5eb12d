#pragma once
// Replaces the broker addresses a response names with the addresses clients must use.
// Pure functions over decoded bodies: no I/O, no state beyond what the mapper keeps.
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/rewrite/address_mapper.h"
#include "protocol/messages/any_message.h"

namespace kgate::gateway {

// True for the (API key, version) pairs whose response can name a broker address, or (Fetch
// v11+) a broker clients could be sent to: those must be decoded and passed through
// rewrite_response() before they reach a client. Unknown future versions of these APIs
// answer true as well, so the caller decodes (and refuses) rather than forwarding blindly.
bool response_needs_rewrite(std::int16_t api_key, std::int16_t api_version);

// Versions older than the codec's oldest (Kafka 4 dropped them; KoP and other brokers still
// serve them) are forwarded undecoded, answers included, when even the codec's oldest version
// of the API names no broker: the older ones, with fewer fields, cannot either.
bool forwarded_below_codec_min(std::int16_t api_key);

struct RewriteOutcome {
    int addresses_rewritten = 0;
    // Whether any byte of the response has to change. When not, the caller can forward the
    // original frame instead of re-encoding (and copying) it: most Fetch responses.
    bool changed = false;
    // Empty on success. Otherwise the response may be partly rewritten and must not be sent.
    std::string error;

    bool ok() const { return error.empty(); }
};

// Rewrites, in place, every broker host/port `body` names into mapper.client_address(...),
// keeping node ids, racks and everything else. Fetch responses also lose their
// PreferredReadReplica (set to -1), so clients never follow a broker they cannot reach.
// A body that needs no rewrite is left untouched. Stops with an error naming the API, node
// id and address as soon as the mapper has no address for a broker.
RewriteOutcome rewrite_response(protocol::messages::AnyResponse& body, std::int16_t api_key, std::int16_t api_version,
                                AddressMapper& mapper);

// The Metadata part of rewrite_response() on its own, for a response whose Brokers array is
// decoded without the rest (gateway/rewrite/metadata_splice.h): every broker's host/port.
RewriteOutcome rewrite_metadata_brokers(std::vector<protocol::messages::MetadataResponse::MetadataResponseBroker>& brokers,
                                        std::int16_t api_version, AddressMapper& mapper);

}  // namespace kgate::gateway
