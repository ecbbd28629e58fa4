#pragma once
// The test sources are compiled several to a translation unit (tests/CMakeLists.txt). Each
// wraps its code, after its includes, in `namespace CURCRUNCH_UNITY_ID { ... }`: CMake defines
// that name per source in a batch, so one source's helpers, constants, fixtures and using-
// directives never meet another's. A source compiled alone gets this name instead.
#ifndef CURCRUNCH_UNITY_ID
#define CURCRUNCH_UNITY_ID curcrunch_test_source
#endif
