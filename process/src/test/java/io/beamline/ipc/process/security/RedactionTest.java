package io.beamline.ipc.process.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedactionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', textBlock = """
            password=hunter2                                => password=****
            passwd = hunter2 and more                        => passwd = **** and more
            token: abc.def-123                               => token: ****
            nats.password=pw1 nats.token=tk2                 => nats.password=**** nats.token=****
            db_password=x;api_key=y&x-api-key=z              => db_password=****;api_key=****&x-api-key=****
            apiKey=k1 clientSecret=s1 awsCredentials=c1      => apiKey=**** clientSecret=**** awsCredentials=****
            SECRET=Loud KEY: k                               => SECRET=**** KEY: ****
            Authorization: Bearer eyJhbGciOi.x.y             => Authorization: Bearer ****
            authorization=Basic dXNlcjpwYXNz                 => authorization=Basic ****
            https://h/p?token=abc&page=2                     => https://h/p?token=****&page=2
            """)
    void masksTheValueOfEverySecretNamedField(String text, String expected) {
        assertThat(Redaction.text(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', textBlock = """
            {"password":"p w","user":"u"}                    => {"password":"****","user":"u"}
            {"token": "a\\"b", "n": 1}                        => {"token": "****", "n": 1}
            {"secret":42,"key":null}                         => {"secret":****,"key":****}
            {'passwd': 'x y'}                                => {'passwd': '****'}
            "{\\"token\\":\\"t1\\",\\"x\\":1}"                 => "{\\"token\\":\\"****\\",\\"x\\":1}"
            """)
    void masksJsonValuesKeepingTheirQuotes(String text, String expected) {
        assertThat(Redaction.text(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', textBlock = """
            cannot connect to nats://alice:pw9@127.0.0.1:4222     => cannot connect to nats://alice:****@127.0.0.1:4222
            servers tls://tok-1@h:1,nats://bob:p%40ss@h2:2,nats://h3:3 => servers tls://****@h:1,nats://bob:****@h2:2,nats://h3:3
            """)
    void masksUrlUserInfo(String text, String expected) {
        assertThat(Redaction.text(text)).isEqualTo(expected);
        assertThat(Redaction.urls(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "listening on /tmp/gw.sock (max 1024 connections, 64 per pid, 960 per uid, max frame 4194304 bytes)",
            "task_id=t-1 trace_id=0af7651916cd43dd8448eb211c80319c tenant=acme uid=1000 pid=42 status=200",
            "monkey=banana keyboard=qwerty tokens=5 key_file=/etc/k.pem nats.tls.key_file: /etc/k.pem",
            "ratelimit.redis.key_prefix=beamline:ratelimit: secretary: Jo",
            "NATS connection 0 cannot connect: authorization violation: the server refused the credentials",
            "server error: 'Authorization Violation'",
            "the token was refused; password empty: ",
            "mail alice@example.org at 12:30, see http://127.0.0.1:9477/metrics",
            "{\"type\":\"code_completion\",\"payload\":{\"file\":\"a.py\",\"line\":3}}",
            ""})
    void leavesOtherTextAsItIs(String text) {
        assertThat(Redaction.text(text)).isEqualTo(text);
    }

    @org.junit.jupiter.api.Test
    void nullStaysNull() {
        assertThat(Redaction.text(null)).isNull();
        assertThat(Redaction.urls(null)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"password,true", "nats.token,true", "apiKey,true", "x-api-key,true", "Authorization,true",
            "credentials,true", "task_id,false", "monkey,false", "key_file,false", "tokens,false", "latency_ms,false"})
    void namesASecretField(String name, boolean secret) {
        assertThat(Redaction.isSecretName(name)).isEqualTo(secret);
    }
}
