// A Java tool's command line run again and again in one JVM that stays running between Presswork's
// runs (pipeline/tools/java.py starts it under pipeline/tools/daemon.py): EPUBCheck or veraPDF, its
// jars on the class path. A run started cold spends most of its time starting and warming the JVM;
// here the second run of EPUBCheck takes a tenth of the first.
//
// GET  /     answers "warm" (it is up).
// POST /run  a body of fields separated by NUL: the file for the tool's standard output, the file for
//            its standard error, its main class, and its arguments. The tool's main method is run as
//            its command line runs it, one run at a time; System.exit ends the run, not the JVM. The
//            answer is the exit code. After an Error (out of memory), the JVM ends once it has
//            answered: the next run starts a new one.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

public final class Warm {
    private static final class Exit extends SecurityException {
        final int status;

        Exit(int status) {
            super("exit " + status);
            this.status = status;
        }
    }

    private static final PrintStream OUT = System.out;
    private static final PrintStream ERR = System.err;

    public static void main(String[] args) throws IOException {
        System.setSecurityManager(new SecurityManager() {
            @Override
            public void checkExit(int status) {
                throw new Exit(status);
            }

            @Override
            public void checkPermission(java.security.Permission permission) {}

            @Override
            public void checkPermission(java.security.Permission permission, Object context) {}
        });
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 0);
        server.createContext("/", exchange -> answer(exchange, "warm"));
        server.createContext("/run", Warm::run);
        server.start();
    }

    private static void run(HttpExchange exchange) throws IOException {
        String[] fields = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("\0", -1);
        int status;
        boolean broken = false;
        synchronized (Warm.class) {
            try (PrintStream out = new PrintStream(new FileOutputStream(fields[0]), true, StandardCharsets.UTF_8);
                 PrintStream err = new PrintStream(new FileOutputStream(fields[1]), true, StandardCharsets.UTF_8)) {
                System.setOut(out);
                System.setErr(err);
                try {
                    Class.forName(fields[2]).getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(fields, 3, fields.length));
                    status = 0;
                } catch (InvocationTargetException thrown) {
                    status = exitOf(thrown.getCause(), err);
                    broken = status == 70 && thrown.getCause() instanceof Error;
                } catch (ReflectiveOperationException | RuntimeException thrown) {
                    thrown.printStackTrace(err);
                    status = 70;
                } finally {
                    System.out.flush();
                    System.setOut(OUT);
                    System.setErr(ERR);
                }
            }
        }
        answer(exchange, Integer.toString(status));
        if (broken) {
            Runtime.getRuntime().halt(70);
        }
    }

    private static int exitOf(Throwable thrown, PrintStream err) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof Exit) {
                return ((Exit) cause).status;
            }
        }
        thrown.printStackTrace(err);
        return 70;
    }

    private static void answer(HttpExchange exchange, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
