package io.beamline.ipc.router.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The policies the Router routes by, keyed by (tenant, policy). Loaded once at start: first the shipped
 * {@code default_tenant/default}, then every {@code <dir>/<tenant_id>/<policy_id>.json} (which may replace
 * the shipped default). Any unreadable or invalid file stops the start with its path in the message.
 */
public final class PolicyStore {

    public static final PolicyKey SHIPPED_DEFAULT = new PolicyKey("default_tenant", "default");
    private static final String SHIPPED_RESOURCE = "/policies/default_tenant/default.json";

    private final Map<PolicyKey, Policy> policies;

    private PolicyStore(Map<PolicyKey, Policy> policies) {
        this.policies = Map.copyOf(policies);
    }

    public static PolicyStore of(Policy... policies) {
        Map<PolicyKey, Policy> m = new HashMap<>();
        for (Policy p : policies) {
            m.put(p.key(), p);
        }
        return new PolicyStore(m);
    }

    /** The shipped default plus the files of {@code dir}; {@code dir} may be null for the default only. */
    public static PolicyStore load(Path dir, ObjectMapper mapper) {
        Map<PolicyKey, Policy> m = new HashMap<>();
        m.put(SHIPPED_DEFAULT, shippedDefault(mapper));
        if (dir != null) {
            if (!Files.isDirectory(dir)) {
                throw new PolicyException(dir + ": not a directory");
            }
            try (Stream<Path> tenants = Files.list(dir)) {
                for (Path tenantDir : tenants.filter(Files::isDirectory).sorted().toList()) {
                    loadTenant(tenantDir, mapper, m);
                }
            } catch (IOException e) {
                throw new PolicyException(dir + ": cannot list: " + e.getMessage(), e);
            }
        }
        return new PolicyStore(m);
    }

    public Optional<Policy> find(String tenantId, String policyId) {
        return Optional.ofNullable(policies.get(new PolicyKey(tenantId, policyId)));
    }

    public int size() {
        return policies.size();
    }

    private static void loadTenant(Path tenantDir, ObjectMapper mapper, Map<PolicyKey, Policy> into)
            throws IOException {
        String tenant = tenantDir.getFileName().toString();
        try (Stream<Path> files = Files.list(tenantDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String name = f.getFileName().toString();
                PolicyKey key = new PolicyKey(tenant, name.substring(0, name.length() - ".json".length()));
                JsonNode doc;
                try {
                    doc = mapper.readTree(f.toFile());
                } catch (IOException e) {
                    throw new PolicyException(f + ": not valid JSON: " + e.getMessage(), e);
                }
                into.put(key, PolicyParser.parse(key, doc, f.toString()));
            }
        }
    }

    private static Policy shippedDefault(ObjectMapper mapper) {
        try (InputStream in = PolicyStore.class.getResourceAsStream(SHIPPED_RESOURCE)) {
            if (in == null) {
                throw new PolicyException("shipped default policy " + SHIPPED_RESOURCE + " is missing");
            }
            return PolicyParser.parse(SHIPPED_DEFAULT, mapper.readTree(in), "classpath:" + SHIPPED_RESOURCE);
        } catch (IOException e) {
            throw new PolicyException("cannot read shipped default policy: " + e.getMessage(), e);
        }
    }
}
