package io.chunkstore.server;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP port's error answers for what Jetty refuses before any handler runs (a malformed
 * request: 400, a URI too long: 414, headers too large: 431, ...): Loki's shape, a plain-text
 * message with the status (Loki answers its API's errors as text), instead of Jetty's HTML error
 * page.
 */
final class PlainTextErrors extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        if (status < 400) {
            status = HttpStatus.INTERNAL_SERVER_ERROR_500;
            response.setStatus(status);
        }
        Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        String reason = HttpStatus.getMessage(status);
        String body =
                (message == null || message.toString().isBlank() ? reason : reason + ": " + message)
                        + "\n";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().remove(HttpHeader.CACHE_CONTROL);
        response.write(
                true, java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
