package io.beamline.ipc.bench.load;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A benchmark's results as JSON, for scripts to read: {@code {"machine":{…},"runs":[…]}}. The field names are an
 * interface (ReportJsonTest spells them out): add fields, do not rename them.
 *
 * @param runs {@link RequestRun}s, or a mode's own records (the stream benchmark's)
 */
public record Report(@JsonProperty("machine") Machine machine, @JsonProperty("runs") List<?> runs) {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(Path file) throws IOException {
        MAPPER.writeValue(file.toFile(), this);
    }
}
