// Help text shared by every command.
#include "cli/command.h"

#include "cli/exit_codes.h"
#include "cli/options.h"

namespace palabre::cli {

std::string CommandFooter(std::string_view details) {
  std::string footer(details);
  footer += '\n';
  footer += GlobalOptionsHelp();
  footer += '\n';
  footer += ExitCodesHelp();
  return footer;
}

}  // namespace palabre::cli
