#pragma once
// An S3 object key that may become a path. A CUR manifest names S3 objects; fetch mirrors each
// into its cache at <cache>/<profile>/<bucket>/<key>, and ingest looks for each under the
// report's folder on disk. A key decides where a file is written or read, so one that could
// lead out of that folder (../../etc/cron.d/x, /etc/passwd) is refused by both, before any file
// is touched, with this one test.
#include <string_view>

namespace curcrunch {

// True when `key` is relative and every '/'-separated part is a plain name: not empty, not "."
// or "..", and no backslash or control character anywhere. S3 keys that AWS writes for CUR
// exports are all plain.
bool plain_object_key(std::string_view key);

}  // namespace curcrunch
