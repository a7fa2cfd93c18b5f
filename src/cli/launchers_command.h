// `provisiond launchers`: writes the bundle's four hook launchers
// (api/launchers/launchers.h) to a folder or a .zip, from the built-in
// template, the service address, the keys directory's roots and an optional
// bundle key.
#pragma once

#include <string>
#include <vector>

namespace provisiond::cli {

// launchers --out DIR|FILE.zip [--ws-base URL] [--bundle-key K | --bundle-key-file F]
//           [--root-sha256 HEX]... [--no-pin]   (plus --config / --data-dir / --keys-dir). Exit code.
int RunLaunchers(std::vector<std::string> args);

}  // namespace provisiond::cli
