#include "cli/main.h"

int main(int argc, char** argv) { return provisiond::cli::Main(argc, argv); }
