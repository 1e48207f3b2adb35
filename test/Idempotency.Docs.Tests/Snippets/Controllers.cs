#region snippet: getting-started-controllers
using Idempotency.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
#endregion

namespace Snippets;

#region snippet: getting-started-controllers
[ApiController]
[Route("shop/orders")]                         // not /orders: a minimal API route of the same pattern would win silently
[Authorize]                                    // anonymous callers share one scope: they would replay each other's responses
[Idempotent]                                   // every action of the controller needs a key…
public sealed class OrdersController : ControllerBase
{
    [HttpPost]
    public IActionResult Create(OrderInput input) => Created($"/shop/orders/{Guid.NewGuid()}", input);

    [HttpPost("quote")]
    [DisableIdempotency]                       // …but this one: it changes nothing
    public IActionResult Quote(OrderInput input) => Ok(new { input.Item, price = 12.5m * input.Quantity });

    [HttpPost("payments")]
    [Idempotent(Policy = "payments")]          // the action's attribute wins over the controller's
    public IActionResult Pay(Charge charge) => Ok(charge);
}
#endregion
