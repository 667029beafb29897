"""Looking ahead: children looked after by age band and placement, placement spend and social workers needed,
with prediction intervals, backtests and scenarios (docs/forecasting.md).

Pure numeric modules (groups, ages, panel, rates, simulate, model, spread, costs, workforce, backtest) know
nothing of the store; `reading` holds the SQL; `build.build_forecast` is the one library function the command
line, the report and the web view call.
"""

from cscperf.analysis.forecast.build import build_forecast
from cscperf.analysis.forecast.config import ForecastConfig, Scenario, read_forecast_config, read_scenarios
from cscperf.analysis.forecast.result import ForecastResult, as_json

__all__ = [
    "ForecastConfig",
    "ForecastResult",
    "Scenario",
    "as_json",
    "build_forecast",
    "read_forecast_config",
    "read_scenarios",
]
