// The store a configuration names ([data] backend): the CSV data directory
// or PostgreSQL. serve and every command that reads or writes tables open
// it here, so a command never edits CSV files a postgres site does not read.
#pragma once

#include <memory>

#include "cli/config.h"
#include "store/store.h"

namespace provisiond::cli {

enum class StoreUse {
  kServe,    // a long-running server: watch for external edits, batch computer writes
  kCommand,  // one command: no watcher, every write straight through
};

Result<std::shared_ptr<store::Store>> OpenStore(const Config& config, StoreUse use);

}  // namespace provisiond::cli
