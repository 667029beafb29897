from cscperf.cli import app

app()
