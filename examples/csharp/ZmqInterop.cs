// C# on Mono, calling libzmq's C API by P/Invoke. With LD_LIBRARY_PATH
// pointing at an installed ferrozmq (bindings/c/install.sh PREFIX), the same
// program runs on ferrozmq instead of libzmq, unchanged.
//
// Build: mcs -out:ZmqInterop.exe ZmqInterop.cs
// Usage: mono ZmqInterop.exe req ENDPOINT COUNT   (REQ to a REP peer)
//        mono ZmqInterop.exe sub ENDPOINT COUNT   (SUB "weather" from a PUB peer)
using System;
using System.Runtime.InteropServices;
using System.Text;

static class Zmq
{
    const string Lib = "libzmq";

    public const int REQ = 3, SUB = 2;
    public const int SUBSCRIBE = 6, RCVTIMEO = 27, LINGER = 17;

    [DllImport(Lib)] public static extern void zmq_version(out int major, out int minor, out int patch);
    [DllImport(Lib)] public static extern int zmq_errno();
    [DllImport(Lib)] static extern IntPtr zmq_strerror(int errnum);
    [DllImport(Lib)] public static extern IntPtr zmq_ctx_new();
    [DllImport(Lib)] public static extern int zmq_ctx_term(IntPtr context);
    [DllImport(Lib)] public static extern IntPtr zmq_socket(IntPtr context, int type);
    [DllImport(Lib)] public static extern int zmq_close(IntPtr socket);
    [DllImport(Lib)] public static extern int zmq_connect(IntPtr socket, string endpoint);
    [DllImport(Lib)] public static extern int zmq_setsockopt(IntPtr socket, int option, byte[] value, UIntPtr length);
    [DllImport(Lib)] public static extern int zmq_setsockopt(IntPtr socket, int option, ref int value, UIntPtr length);
    [DllImport(Lib)] public static extern int zmq_send(IntPtr socket, byte[] buffer, UIntPtr length, int flags);
    [DllImport(Lib)] public static extern int zmq_msg_init(IntPtr msg);
    [DllImport(Lib)] public static extern int zmq_msg_recv(IntPtr msg, IntPtr socket, int flags);
    [DllImport(Lib)] public static extern IntPtr zmq_msg_data(IntPtr msg);
    [DllImport(Lib)] public static extern UIntPtr zmq_msg_size(IntPtr msg);
    [DllImport(Lib)] public static extern int zmq_msg_close(IntPtr msg);
    [DllImport(Lib)] static extern IntPtr ferrozmq_version();

    public static string Error() => Marshal.PtrToStringAnsi(zmq_strerror(zmq_errno()));

    // Which library answers: ferrozmq has a symbol libzmq lacks.
    public static string Implementation()
    {
        try { return Marshal.PtrToStringAnsi(ferrozmq_version()); }
        catch (EntryPointNotFoundException) { return "libzmq"; }
    }

    public static void Check(int rc, string what)
    {
        if (rc == -1) throw new Exception(what + ": " + Error());
    }

    public static void SetInt(IntPtr socket, int option, int value)
    {
        Check(zmq_setsockopt(socket, option, ref value, (UIntPtr)4), "setsockopt");
    }

    public static void Send(IntPtr socket, string text)
    {
        byte[] data = Encoding.UTF8.GetBytes(text);
        Check(zmq_send(socket, data, (UIntPtr)data.Length, 0), "send");
    }

    // Receives one frame through a zmq_msg_t: 64 bytes of unmanaged memory.
    public static string Recv(IntPtr socket)
    {
        IntPtr msg = Marshal.AllocHGlobal(64);
        try
        {
            Check(zmq_msg_init(msg), "msg_init");
            Check(zmq_msg_recv(msg, socket, 0), "msg_recv");
            int size = (int)zmq_msg_size(msg);
            byte[] data = new byte[size];
            Marshal.Copy(zmq_msg_data(msg), data, 0, size);
            zmq_msg_close(msg);
            return Encoding.UTF8.GetString(data);
        }
        finally { Marshal.FreeHGlobal(msg); }
    }
}

static class Program
{
    static int Main(string[] args)
    {
        if (args.Length != 3) { Console.Error.WriteLine("usage: ZmqInterop.exe req|sub ENDPOINT COUNT"); return 2; }
        string mode = args[0], endpoint = args[1];
        int count = int.Parse(args[2]);
        int major, minor, patch;
        Zmq.zmq_version(out major, out minor, out patch);
        Console.WriteLine("csharp: {0} (zmq_version {1}.{2}.{3}), {4} {5}",
            Zmq.Implementation(), major, minor, patch, mode, endpoint);

        IntPtr ctx = Zmq.zmq_ctx_new();
        IntPtr socket = Zmq.zmq_socket(ctx, mode == "req" ? Zmq.REQ : Zmq.SUB);
        Zmq.SetInt(socket, Zmq.RCVTIMEO, 10000);
        Zmq.SetInt(socket, Zmq.LINGER, 0);
        int ok = 0;
        if (mode == "sub")
        {
            byte[] topic = Encoding.UTF8.GetBytes("weather");
            Zmq.Check(Zmq.zmq_setsockopt(socket, Zmq.SUBSCRIBE, topic, (UIntPtr)topic.Length), "subscribe");
        }
        Zmq.Check(Zmq.zmq_connect(socket, endpoint), "connect");
        for (int i = 0; i < count; i++)
        {
            if (mode == "req")
            {
                string request = "request " + i;
                Zmq.Send(socket, request);
                if (Zmq.Recv(socket) == "reply:" + request) ok++;
            }
            else if (Zmq.Recv(socket).StartsWith("weather ")) ok++;
        }
        Zmq.zmq_close(socket);
        Zmq.zmq_ctx_term(ctx);
        Console.WriteLine("csharp: {0} of {1} {2} messages ok", ok, count, mode);
        Console.WriteLine("{0} passed, {1} failed", ok, count - ok);
        return ok == count ? 0 : 1;
    }
}
