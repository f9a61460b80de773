// Entry point of the `palabre` executable: everything happens in
// palabre::cli::RunCli, which never throws; main only hands over argv and
// returns the exit code.
#include "cli/app.h"

int main(int argc, char** argv) { return palabre::cli::RunCli(argc, argv); }
