#include "cli_model.hpp"

namespace cutover::cli {

namespace {

// CLI11 shows "TEXT:{text,json}" for an IsMember check: the choices are between the braces.
void split_type_name(const std::string& type_name, OptionModel& option) {
  const auto open = type_name.find(":{");
  option.value = type_name.substr(0, open);
  if (open == std::string::npos || type_name.back() != '}') return;
  const std::string list = type_name.substr(open + 2, type_name.size() - open - 3);
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    option.choices.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
}

CommandModel command_model(const CLI::App& command) {
  CommandModel model{
      command.get_name(), command.get_description(), command.get_footer(), {}, {}, {}};
  for (const CLI::Option* option : command.get_options()) {
    if (option->get_group().empty()) continue;  // hidden
    if (option->get_positional()) {
      OptionModel value;
      split_type_name(option->get_type_name(), value);
      model.positionals.push_back({value.value, option->get_description(), option->get_required(),
                                   std::move(value.choices)});
      continue;
    }
    OptionModel item{option->get_lnames(), option->get_snames(), {}, {}, option->get_description()};
    if (option->get_type_size_max() > 0) split_type_name(option->get_type_name(), item);
    model.options.push_back(std::move(item));
  }
  for (const CLI::App* sub : command.get_subcommands({})) {
    if (!sub->get_group().empty()) model.subcommands.push_back(command_model(*sub));
  }
  return model;
}

}  // namespace

std::vector<CommandModel> command_models(const CLI::App& app) {
  std::vector<CommandModel> commands;
  for (const CLI::App* command : app.get_subcommands({})) {
    if (!command->get_group().empty()) commands.push_back(command_model(*command));
  }
  return commands;
}

ValueKind value_kind(std::string_view value_name) {
  if (value_name.empty()) return ValueKind::none;
  if (value_name.starts_with("RUNBOOK") || value_name == "FILE") return ValueKind::file;
  if (value_name == "DIR") return ValueKind::directory;
  if (value_name.find("RUN") != std::string_view::npos) return ValueKind::run;
  return ValueKind::other;
}

}  // namespace cutover::cli
