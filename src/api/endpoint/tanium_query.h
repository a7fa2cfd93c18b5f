// What Tanium Provision sends when it asks the web service for variables:
// the device's serial number and model. One reader for /tanium/global and
// /api/v1/endpoint/variables, so both accept the same spellings and forms.
#pragma once

#include <string>

#include "api/http.h"

namespace provisiond::api::endpoint {

struct TaniumQuery {
  std::string serial;  // trimmed; empty when not sent
  std::string model;   // trimmed; empty when not sent
};

// Each field from the first place that gives it a non-blank value: the
// query, then the body: a form when Content-Type is
// application/x-www-form-urlencoded, else a JSON object (string or number
// values). Names, any letter case: serial or serialNumber; model or
// computerModel (the original's serial/Serial/SERIAL/serialNumber/
// SerialNumber and model/Model/MODEL/computerModel/ComputerModel among them).
// A body that is neither JSON nor a form is ignored, as the original did.
// The body is parsed only when the query lacks a field. Never fails.
TaniumQuery ReadTaniumQuery(const Request& req);

// "serial, serialNumber" / "model, computerModel": for messages and docs.
inline constexpr const char* kTaniumSerialNames = "serial, serialNumber";
inline constexpr const char* kTaniumModelNames = "model, computerModel";

}  // namespace provisiond::api::endpoint
