package io.beamline.ipc.gateway.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES read as sd_listen_fds(3) does, with the gateway's one-socket rule. */
class ListenFdsTest {

    private static final long SELF = 4242;

    @Test
    void oneSocketForThisProcessIsFdThree() throws Exception {
        Optional<ListenFds> fds = ListenFds.parse(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "1"), SELF);
        assertThat(fds).isPresent();
        assertThat(fds.get().fd()).isEqualTo(3);
        assertThat(fds.get().count()).isEqualTo(1);
        assertThat(fds.get().name()).isEmpty();
    }

    @Test
    void theNameSystemdGaveIsKept() throws Exception {
        Optional<ListenFds> fds = ListenFds.parse(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "1",
                "LISTEN_FDNAMES", "beamline-gateway.socket"), SELF);
        assertThat(fds.orElseThrow().name()).contains("beamline-gateway.socket");
        assertThat(fds.get().names()).isEqualTo(List.of("beamline-gateway.socket"));
    }

    @Test
    void noVariablesMeansNotActivated() throws Exception {
        assertThat(ListenFds.parse(Map.of(), SELF)).isEmpty();
        assertThat(ListenFds.parse(Map.of("LISTEN_FDS", "1"), SELF)).as("LISTEN_FDS without LISTEN_PID").isEmpty();
    }

    @Test
    void anotherProcesssPidMeansTheSocketsAreNotOurs() throws Exception {
        assertThat(ListenFds.parse(Map.of("LISTEN_PID", "4243", "LISTEN_FDS", "1"), SELF)).isEmpty();
        assertThat(ListenFds.parse(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "2"), SELF))
                .as("not ours: not even looked at").isEmpty();
    }

    @Test
    void zeroFdsMeansNotActivated() throws Exception {
        assertThat(ListenFds.parse(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "0"), SELF)).isEmpty();
    }

    @Test
    void twoSocketsAreRefused() {
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "2"), SELF))
                .isInstanceOf(IOException.class)
                .hasMessage("socket activation: systemd passed 2 sockets (LISTEN_FDS=2); the gateway serves exactly"
                        + " one: give its .socket unit one ListenStream= and no other socket units (Sockets=) to its"
                        + " .service");
    }

    @Test
    void ourPidWithoutListenFdsIsRefused() {
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "4242"), SELF))
                .hasMessage("socket activation: LISTEN_PID is this process (4242) but LISTEN_FDS is not set");
    }

    @Test
    void badNumbersAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "abc", "LISTEN_FDS", "1"), SELF))
                .hasMessage("socket activation: invalid LISTEN_PID=\"abc\": not a decimal number");
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "0", "LISTEN_FDS", "1"), SELF))
                .hasMessage("socket activation: invalid LISTEN_PID=\"0\": not a process id");
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "", "LISTEN_FDS", "1"), SELF))
                .hasMessage("socket activation: invalid LISTEN_PID=\"\": not a decimal number");
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "one"), SELF))
                .hasMessage("socket activation: invalid LISTEN_FDS=\"one\": not a decimal number");
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "-1"), SELF))
                .hasMessage("socket activation: invalid LISTEN_FDS=\"-1\": not a decimal number");
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", " 1"), SELF))
                .hasMessage("socket activation: invalid LISTEN_FDS=\" 1\": not a decimal number");
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "4242", "LISTEN_FDS",
                "99999999999999999999"), SELF))
                .hasMessage("socket activation: invalid LISTEN_FDS=\"99999999999999999999\": not a decimal number");
    }

    @Test
    void namesThatDoNotMatchTheCountAreRefused() {
        assertThatThrownBy(() -> ListenFds.parse(Map.of("LISTEN_PID", "4242", "LISTEN_FDS", "1",
                "LISTEN_FDNAMES", "a:b"), SELF))
                .hasMessage("socket activation: invalid LISTEN_FDNAMES=\"a:b\": 2 names for 1 fd");
    }
}
