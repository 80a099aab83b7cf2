package io.beamline.ipc.client.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamline.ipc.protocol.Json;
import io.beamline.ipc.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --payload}: inline JSON, {@code @file}, or {@code @-} for stdin. Failing here (not in the
 * command) makes picocli report a usage error, exit code 2, before anything is sent.
 */
final class PayloadConverter implements ITypeConverter<ObjectNode> {

    private final InputStream stdin;

    PayloadConverter(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public ObjectNode convert(String value) {
        byte[] json = value.startsWith("@") ? read(value.substring(1)) : value.getBytes(StandardCharsets.UTF_8);
        try {
            return Json.parseObject(json); // the gateway's own rules: object, strict UTF-8, no duplicate keys
        } catch (ProtocolException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    private byte[] read(String source) {
        try {
            return source.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(source));
        } catch (IOException e) {
            throw new TypeConversionException("cannot read the payload from "
                    + (source.equals("-") ? "stdin" : source) + ": " + e);
        }
    }
}
