import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '../rights/principal.js';
import { Right } from '../rights/right.js';
import { CurrentPrincipal, RequireRights, RequireUserRights } from '../rights/route-rights.decorator.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { UserPageQueryDto } from './dto/user-page-query.dto.js';
import { UserRightsDto } from './dto/user-rights.dto.js';
import { UserDto, UserPageDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';
import { mapPage } from '../common/page.dto.js';

/** The rights that act on another user, shown when the caller asks for its rights on a user it manages. */
const RIGHTS_ON_OTHERS = [Right.USER_USERS_READ, Right.USER_USERS_WRITE, Right.USER_USERS_API_KEYS];

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Creates a user the caller will manage: see "who manages whom" in the README. */
  @Post()
  @RequireRights(Right.USER_USERS_WRITE)
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateUserDto): Promise<UserDto> {
    return UserDto.from(await this.users.create(principal, dto));
  }

  /** The users the caller manages (itself included). */
  @Get()
  @RequireRights(Right.USER_USERS_READ)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: UserPageQueryDto): Promise<UserPageDto> {
    const page = await this.users.list(principal, query);
    return mapPage(page, UserDto.from);
  }

  /** Reads a user: oneself (`me`) or a user the caller manages. */
  @Get(':userId')
  @RequireUserRights({ self: Right.USER_INFO, other: Right.USER_USERS_READ })
  async get(@CurrentPrincipal() principal: Principal, @Param('userId') userId: string): Promise<UserDto> {
    return UserDto.from(await this.users.getManaged(principal, userId));
  }

  /** Edits a user's names or enables or disables it: only the fields sent change. */
  @Patch(':userId')
  @RequireUserRights({ self: Right.USER_SETTINGS_BASIC, other: Right.USER_USERS_WRITE })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserDto> {
    return UserDto.from(await this.users.update(principal, userId, dto));
  }

  /** Deletes the user and its API keys. */
  @Delete(':userId')
  @HttpCode(204)
  @RequireUserRights({ self: Right.USER_DELETE, other: Right.USER_USERS_WRITE })
  async delete(@CurrentPrincipal() principal: Principal, @Param('userId') userId: string): Promise<void> {
    await this.users.delete(principal, userId);
  }

  /** The caller's effective rights on the user: all of them on itself, the user-management ones on a user it manages. */
  @Get(':userId/rights')
  @RequireUserRights({ other: Right.USER_USERS_READ })
  async rights(@CurrentPrincipal() principal: Principal, @Param('userId') userId: string): Promise<UserRightsDto> {
    const user = await this.users.getManaged(principal, userId);
    const rights = [...principal.rights].filter((r) => user.id === principal.userId || RIGHTS_ON_OTHERS.includes(r as Right));
    return { rights: rights.sort() };
  }
}
