#include "curcrunch/cli/args.hpp"

int main(int argc, char** argv) {
    return curcrunch::cli::run(argc, argv);
}
