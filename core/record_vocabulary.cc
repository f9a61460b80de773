// The vocabularies of the session format (docs/record-format.md), in the
// order the format document lists them, and the status predicates built on
// them (see record.h).
#include <algorithm>
#include <span>
#include <string_view>

#include "core/record.h"

namespace palabre {
namespace {

constexpr std::string_view kSessionKinds[] = {
    "community_dialogue", "security_advisory_committee",
    "perception_survey",  "hybrid_justice_hearing",
    "training",           "other",
};

constexpr std::string_view kStakeholderGroups[] = {
    "security_forces",
    "local_authority",
    "traditional_leaders",
    "religious_leaders",
    "cso",
    "youth",
    "womens_groups",
    "idps",
    "persons_with_disabilities",
    "media",
    "private_sector",
    "other",
};

constexpr std::string_view kConcernCategories[] = {
    "police_conduct",
    "armed_groups",
    "gender_based_violence",
    "land_dispute",
    "intercommunal_conflict",
    "corruption",
    "justice_access",
    "detention",
    "displacement",
    "youth_unemployment",
    "trafficking",
    "misinformation",
    "hrd_safety",
    "service_delivery",
    "other",
};

constexpr std::string_view kCommitmentStatuses[] = {
    "open", "in_progress", "done", "dropped", "blocked",
};

constexpr std::string_view kSexKeys[] = {"female", "male", "other",
                                         "undisclosed"};

constexpr std::string_view kAgeKeys[] = {"under_18", "18_35", "36_plus",
                                         "undisclosed"};

constexpr std::string_view kAttributionRules[] = {"chatham_house", "on_record",
                                                  "closed"};

}  // namespace

std::span<const std::string_view> SessionKinds() { return kSessionKinds; }
std::span<const std::string_view> StakeholderGroups() {
  return kStakeholderGroups;
}
std::span<const std::string_view> ConcernCategories() {
  return kConcernCategories;
}
std::span<const std::string_view> CommitmentStatuses() {
  return kCommitmentStatuses;
}
std::span<const std::string_view> SexKeys() { return kSexKeys; }
std::span<const std::string_view> AgeKeys() { return kAgeKeys; }
std::span<const std::string_view> AttributionRules() {
  return kAttributionRules;
}

bool InVocabulary(std::span<const std::string_view> vocabulary,
                  std::string_view word) {
  return std::find(vocabulary.begin(), vocabulary.end(), word) !=
         vocabulary.end();
}

bool IsOpenStatus(std::string_view status) {
  return status == "open" || status == "in_progress" || status == "blocked";
}

bool CanBeOverdue(std::string_view status) {
  return status == "open" || status == "in_progress";
}

}  // namespace palabre
