// Starts AWS's DynamoDB Local bound to one host (127.0.0.1) instead of every interface, which it has no flag for.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("bind.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) serverConnector.setHost(host);
    }
    proxy.start();
    watchParent();
    System.out.println("DynamoDB Local listening on " + host);
  }

  /** Exits when the Node process that started us is gone, so a crashed or killed parent leaves no java behind. */
  private static void watchParent() {
    String parent = System.getProperty("parent.pid");
    if (parent == null) return;
    Thread watcher = new Thread(() -> {
      while (ProcessHandle.of(Long.parseLong(parent)).map(ProcessHandle::isAlive).orElse(false)) {
        try { Thread.sleep(1000); } catch (InterruptedException e) { return; }
      }
      System.exit(0);
    });
    watcher.setDaemon(true);
    watcher.start();
  }
}
