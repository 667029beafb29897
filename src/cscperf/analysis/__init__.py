"""Analysis of the indicators' series: statistical process control and forecasts (docs/spc.md, forecasting.md)."""
