#include "report/go_live_view.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cutover/runbook/diagnostics.hpp"

namespace cutover {

using json = nlohmann::ordered_json;

std::string go_live_words(const GoLiveBasis& basis) {
  std::vector<std::string> runs;
  for (const std::string& run : basis.rehearsals) runs.push_back(printable(run));
  std::vector<std::string> signed_by;
  for (const auto& [by, run] : basis.signoffs) {
    signed_by.push_back(fmt::format("{} ({})", printable(by), printable(run)));
  }
  return fmt::format(
      "go-live after {}; signed off by {}",
      runs.empty() ? std::string("no rehearsal") : fmt::format("{}", fmt::join(runs, ", ")),
      signed_by.empty() ? std::string("nobody") : fmt::format("{}", fmt::join(signed_by, ", ")));
}

std::string override_words(const GoLiveBasis& basis) {
  if (!basis.override_by) return {};
  return fmt::format("go-live rule overridden by {}{}: {}", printable(basis.override_by->by),
                     basis.override_by->signature ? " (signed)" : "",
                     printable(basis.override_by->reason));
}

std::string signoff_words(const SignOff& signoff, int zone_offset_minutes) {
  return fmt::format("{} ({}@{}), {}{}{}", printable(signoff.by), printable(signoff.user),
                     printable(signoff.host), zoned_date_time(signoff.at, zone_offset_minutes),
                     signoff.signature ? ", signed" : "",
                     signoff.note.empty() ? "" : ": " + printable(signoff.note));
}

json signoffs_json(const std::vector<SignOff>& signoffs) {
  json out = json::array();
  for (const SignOff& signoff : signoffs) {
    out.push_back({{"by", signoff.by},
                   {"user", signoff.user},
                   {"host", signoff.host},
                   {"at", format_utc_ms(signoff.at)},
                   {"note", signoff.note.empty() ? json(nullptr) : json(signoff.note)},
                   {"signed", signoff.signature.has_value()}});
  }
  return out;
}

json go_live_json(const std::optional<GoLiveBasis>& basis) {
  if (!basis) return nullptr;
  json signed_by = json::array();
  for (const auto& [by, run] : basis->signoffs) signed_by.push_back({{"by", by}, {"run", run}});
  return {
      {"rehearsals", basis->rehearsals},
      {"signoffs", std::move(signed_by)},
      {"override", basis->override_by ? json{{"by", basis->override_by->by},
                                             {"reason", basis->override_by->reason},
                                             {"signed", basis->override_by->signature.has_value()}}
                                      : json(nullptr)}};
}

}  // namespace cutover
