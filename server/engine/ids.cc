// Canonical forms and SHA-256 based ids.
#include "engine/ids.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace claimgraph::ids {
namespace {

using claimgraph::v1::Qualifier;

std::string Deterministic(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace

std::string HashHex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

claimgraph::v1::Statement CanonicalStatement(const claimgraph::v1::Statement& statement,
                                             bool symmetric) {
  claimgraph::v1::Statement canonical = statement;
  canonical.clear_id();
  canonical.clear_recorded_at();
  if (symmetric && canonical.object().kind_case() == claimgraph::v1::Value::kEntityId &&
      canonical.object().entity_id() < canonical.subject_id()) {
    std::string object = canonical.object().entity_id();
    canonical.mutable_object()->set_entity_id(canonical.subject_id());
    canonical.set_subject_id(std::move(object));
  }
  std::vector<std::pair<std::string, Qualifier>> qualifiers;
  for (const auto& q : canonical.qualifiers()) qualifiers.emplace_back(Deterministic(q), q);
  std::sort(qualifiers.begin(), qualifiers.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  qualifiers.erase(std::unique(qualifiers.begin(), qualifiers.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   qualifiers.end());
  canonical.clear_qualifiers();
  for (auto& [bytes, q] : qualifiers) *canonical.add_qualifiers() = std::move(q);
  return canonical;
}

std::string StatementId(const claimgraph::v1::Statement& statement, bool symmetric) {
  return "st_" + HashHex(Deterministic(CanonicalStatement(statement, symmetric)));
}

std::string DerivedClaimId(const claimgraph::v1::Claim& normalized_claim) {
  claimgraph::v1::Claim copy = normalized_claim;
  copy.clear_id();
  copy.clear_statement();  // statement_id carries it
  copy.clear_recorded_at();
  copy.clear_recorded_by();
  copy.clear_status();
  copy.clear_lifecycle();
  copy.clear_probability_low();
  copy.clear_probability_high();
  return "cl_" + HashHex(Deterministic(copy));
}

std::string DerivedAssessmentId(const claimgraph::v1::Assessment& assessment) {
  claimgraph::v1::Assessment copy = assessment;
  copy.clear_id();
  copy.clear_recorded_at();
  copy.clear_recorded_by();
  return "as_" + HashHex(Deterministic(copy));
}

std::string DerivedEventId(const claimgraph::v1::LifecycleEvent& event) {
  claimgraph::v1::LifecycleEvent copy = event;
  copy.clear_id();
  copy.clear_recorded_at();
  copy.clear_recorded_by();
  return "ev_" + HashHex(Deterministic(copy));
}

uint64_t ToMicros(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() <= 0 && timestamp.nanos() <= 0) return 0;
  return static_cast<uint64_t>(timestamp.seconds()) * 1000000 +
         static_cast<uint64_t>(timestamp.nanos() / 1000);
}

google::protobuf::Timestamp FromMicros(uint64_t micros) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(static_cast<int64_t>(micros / 1000000));
  timestamp.set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));
  return timestamp;
}

uint64_t NowMicros() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace claimgraph::ids
