package io.beamline.ipc.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Router's own error, kept as received inside {@code error.router} so no context is lost:
 * its {@code code} (e.g. {@code policy_not_found}), {@code intake_error_code} and {@code details}.
 */
public record RouterErrorInfo(String code, String intakeErrorCode, JsonNode details) {
}
