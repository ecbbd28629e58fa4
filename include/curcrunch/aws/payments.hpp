#pragma once
// AWS Payments ListPaymentInstruments (Billing and Cost Management API reference): the
// payment methods on the payer account. Only summaries (method and status) are read; card
// digits and bank details are never requested.
#include <string>
#include <vector>

#include "curcrunch/aws/json_service.hpp"

namespace curcrunch::aws {

struct PaymentInstrument {
    std::string id, arn, method, status;
};

std::vector<PaymentInstrument> list_payment_instruments(JsonServiceClient& payments);

}  // namespace curcrunch::aws
