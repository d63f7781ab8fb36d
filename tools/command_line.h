// The `cpjit` command line as one table of subcommands: the main help, each
// subcommand's --help and README.md's command table are all made from it, so
// they cannot disagree. Also the one option convention every subcommand
// follows (normalize_options).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cpjit {

struct Subcommand {
    const char* name;      // "run"
    const char* synopsis;  // what follows `cpjit run`: "[OPTIONS] FILE(.cpasm|.cpbc)"
    const char* summary;   // one line for the main help and README.md
    const char* details;   // more for `cpjit NAME --help` ("" when none)
    const char* options;   // its own options, formatted ("" when none)
    bool run_options;      // also takes `cpjit run`'s options
    // Options that need a value: each takes `--opt=VALUE` or `--opt VALUE`.
    std::vector<std::string_view> value_options;
};

// Every subcommand, in the order the help lists them.
const std::vector<Subcommand>& subcommands();
const Subcommand* find_subcommand(std::string_view name);

// `cpjit --help`: the commands (as in README.md), the option convention,
// run's options and the exit codes.
std::string main_help();
// The "commands:" part of main_help() alone, one command per line (a long
// synopsis puts its summary on the next line), without indentation: the
// text of README.md's command table.
std::string command_table();
// `cpjit NAME --help`.
std::string command_help(const Subcommand& cmd);

// Rewrites `--opt VALUE` into `--opt=VALUE` for cmd's value options (and
// run's, when it takes them), so parsers see one form. False, with `error`
// set, when such an option is last and has no value.
bool normalize_options(const Subcommand& cmd, std::vector<std::string>& args, std::string& error);

// Whether args ask for help (`--help` or `-h` anywhere).
bool wants_help(const std::vector<std::string>& args);

}  // namespace cpjit
