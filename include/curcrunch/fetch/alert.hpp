#pragma once
// Alerting: when a fetch fails or partly fails, POST a small JSON summary to a webhook
// (--alert-webhook or CURCRUNCH_ALERT_WEBHOOK). The summary names what failed and why, in the
// same words as the error log — never a secret. Alerting problems are logged, never fatal.
#include <string>
#include <vector>

#include "curcrunch/net/resilience.hpp"

namespace curcrunch::fetch {

struct AlertSummary {
    std::string outcome;  // "failed" or "partial"
    std::string started_at, finished_at, host;
    std::vector<std::string> profiles, problems;
    int periods_ingested = 0, periods_failed = 0, exit_code = 0;
};

std::string alert_json(const AlertSummary& s);
// True when the webhook answered 2xx.
bool post_alert(net::ResilientClient& http, const std::string& url, const AlertSummary& s);

}  // namespace curcrunch::fetch
