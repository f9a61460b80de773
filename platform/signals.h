// Termination signals for long-running commands (`palabre serve`).
//
// A server stops cleanly on SIGINT or SIGTERM: the main thread blocks both
// before any other thread starts (threads inherit the mask, so none of them
// is interrupted), then waits for one of them synchronously, and only then
// asks the server to stop.
#ifndef PALABRE_PLATFORM_SIGNALS_H_
#define PALABRE_PLATFORM_SIGNALS_H_

namespace palabre::platform {

// Blocks SIGINT and SIGTERM in the calling thread (and the threads it
// starts afterwards).
void BlockTerminationSignals();

// Waits until SIGINT or SIGTERM arrives (BlockTerminationSignals first).
// Returns the signal number.
int WaitForTerminationSignal();

}  // namespace palabre::platform

#endif  // PALABRE_PLATFORM_SIGNALS_H_
