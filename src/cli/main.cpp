#include "curcrunch/cli/command.hpp"

int main(int argc, char** argv) {
    return curcrunch::cli::run(argc, argv);
}
