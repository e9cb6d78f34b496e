using Circly.DevHost;

DevHostApp.Build(args).Run();
